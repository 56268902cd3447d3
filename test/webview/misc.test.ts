import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConfig, formatCount, formatParam } from '../../webview/src/format';
import { defaultUiState, sanitizeUiState } from '../../webview/src/state/uiState';
import { MAX_SCROLL_PX, scrollToRow, visibleWindow } from '../../webview/src/table/virtual';

test('formatCount, formatParam, formatConfig', () => {
  assert.equal(formatCount(100000), '100,000');
  assert.equal(formatCount(999), '999');
  assert.equal(formatParam([1, 2]), '[1,2]');
  assert.equal(formatParam(true), 'true');
  assert.equal(formatConfig({ lr: 3e-4, opt: 'adam', x: 1 }, 2), 'lr=3e-4 opt=adam …');
});

test('sanitizeUiState keeps valid fields and drops junk', () => {
  assert.deepEqual(sanitizeUiState(undefined), defaultUiState());
  assert.deepEqual(sanitizeUiState({ v: 2, selected: 3 }), defaultUiState());
  const s = sanitizeUiState({
    v: 1,
    selected: 4,
    tab: 'scatter',
    sort: { key: 'param:lr', dir: 'desc' },
    scrollRow: 12,
    filters: { states: ['running', 'bogus'], ranges: { lr: [0.1, 0.01], bad: [1], worse: 'x', nan: [NaN, 1] } },
  });
  assert.equal(s.selected, 4);
  assert.equal(s.tab, 'scatter');
  assert.deepEqual(s.sort, { key: 'param:lr', dir: 'desc' });
  assert.deepEqual(s.filters, { states: ['running'], ranges: { lr: [0.01, 0.1] } });
  assert.equal(s.scrollRow, 12);
  const bad = sanitizeUiState({ v: 1, selected: -1, tab: 'x', sort: { key: 1, dir: 'up' } });
  assert.equal(bad.selected, null);
  assert.equal(bad.tab, 'curves');
  assert.equal(bad.sort, null);
});

test('visibleWindow renders only the rows in view (plus overscan)', () => {
  const w = visibleWindow(100_000, 24, 24 * 500, 480, 4);
  assert.equal(w.start, 496);
  assert.equal(w.end, 524);
  assert.equal(w.height, 2_400_000);
  assert.equal(w.offset, 496 * 24);
  const top = visibleWindow(10, 24, 0, 480);
  assert.deepEqual([top.start, top.end], [0, 10]);
});

test('virtual scrolling past the browser height limit reaches the last row', () => {
  const total = 1_000_000,
    rh = 24,
    vp = 480;
  const maxTop = MAX_SCROLL_PX - vp;
  const w = visibleWindow(total, rh, maxTop, vp, 0);
  assert.equal(w.height, MAX_SCROLL_PX);
  assert.equal(w.end, total);
  const st = scrollToRow(total, rh, 0, vp, total - 1);
  assert.ok(Math.abs(st - maxTop) < 1);
  assert.equal(scrollToRow(100, rh, 0, vp, 5), 0, 'already visible');
  assert.equal(scrollToRow(100, rh, 0, vp, 50), 50 * rh + rh - vp);
});
