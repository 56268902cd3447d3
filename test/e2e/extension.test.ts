/**
 * The extension in a real VS Code: code-server 4.139.1 (VS Code 1.139) with the built .vsix,
 * driven headless by playwright-core with Debian's chromium (see /work/shared/E2E.md).
 *
 * Scenario on a copy of examples/pytorch-digits (real PyTorch trials, KNOBS_PYTHON=/usr/bin/python3):
 *   1. open sweep.yaml, click "▶ Run sweep" on its code lens;
 *   2. trials appear in the Knobs tree and reach a final state;
 *   3. open the dashboard: the curves canvas and table rows;
 *   4. stop the running (long) trial 1 from the table;
 *   5. promote the best config: checkboxes, a diff and a modal "Promote"; train.py's argparse defaults change on disk;
 *   6. reload the window mid-sweep: the runner (same pid) keeps going, the journal keeps growing,
 *      and the tree and the dashboard re-attach;
 *   then stop the sweep from the palette;
 *   8. the lr-finder panel on a saved result: the curve drawn, "Use these bounds" rewrites
 *      sweep.yaml's lr range, "Write CyclicLR" (diff + "Write") the defaults CyclicLR reads;
 *      the sweep's dashboard draws the same range test in its LR finder tab.
 * Plus: in an untrusted workspace nothing runs and the view says why.
 * Screenshots of every step go to test/e2e/artifacts/.
 *
 * Without the toolchain (`node scripts/setup.mjs` installs it) the tests fail with the reason
 * under KNOBS_REQUIRE_ALL=1, and are skipped with the reason otherwise.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { analyseLrFind, cyclicLrArgs, sweepRange } from '../../src/core/analysis/lrFinder';
import { readJournal } from '../../src/core/journal/reader';
import { applyOp, createState, isFinal, type TrialRecord } from '../../src/core/journal/reducer';
import { promotableBest } from '../../src/core/promote/trialGate';
import { formatValue } from '../../src/core/space/config';
import { loadSweepFile } from '../../src/core/space/parse';
import { isRunning, sleep, taggedPids, waitFor } from './support/processes';
import { type Session, startSession } from './support/session';
import { cmdline, stepper, stopSweepAndCheck } from './support/steps';
import { argparseDefaults, argparseDefaultsOf, LONG_EPOCHS, prepareDigitsWorkspace, sweepDirs, theSweep } from './support/sweep';
import { assertToolchain, skipReason } from './support/toolchain';
import { removeVsix } from './support/vsix';
import type { Workbench } from './support/workbench';

const skip = skipReason();

/**
 * Promote (and "Write CyclicLR") show the diff of the proposed text (a diff editor on a read-only
 * knobs-preview document) with a modal "<button> / Cancel"; one click applies it. Checks the diff
 * editor and the dialog's list of edits, takes a screenshot, clicks the button, and checks that
 * the preview tab closes. Returns 'direct' when the file changed without a preview
 * (knobs.promote.showPreview off).
 */
async function confirmPreview(
  wb: Workbench,
  button: string,
  changed: () => boolean,
  log: (m: string) => void,
  shot: string,
): Promise<'preview' | 'direct'> {
  const dialog = wb.page.locator('.monaco-dialog-box').first();
  const how = await waitFor(
    `the ${button} preview (a diff and a dialog, or the file changing on disk)`,
    async () => {
      if (changed()) return 'direct' as const;
      if (await dialog.isVisible().catch(() => false)) return 'preview' as const;
      return undefined;
    },
    { timeoutMs: 30_000, intervalMs: 300 },
  );
  if (how === 'direct') return how;
  const diff = wb.page.locator('.monaco-diff-editor').first();
  await diff.waitFor({ state: 'visible', timeout: 10_000 });
  const text = (await dialog.innerText()).replace(/\s+/g, ' ').trim();
  log(
    `${button} preview: dialog ${JSON.stringify(text)}; diff tab ${JSON.stringify(
      await wb.page
        .locator('.tabs-container .tab.active')
        .first()
        .innerText()
        .catch(() => ''),
    )}`,
  );
  assert.match(text, /→/, 'the dialog lists the edits (name: old → new)');
  assert.ok(!changed(), 'nothing is written before the click');
  await sleep(700); // the diff decorations
  await wb.screenshot(shot);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  await waitFor('the preview tab to close', async () => (await wb.page.locator('.tabs-container .tab', { hasText: '↔' }).count()) === 0, {
    timeoutMs: 10_000,
  });
  return how;
}

/** The webview frame that shows `selector` (with several webviews open). */
async function webviewWith(wb: Workbench, selector: string, timeoutMs = 30_000): Promise<FrameLocator> {
  return waitFor(
    `a webview with ${selector}`,
    async () => {
      const n = await wb.webviewCount();
      for (let i = 0; i < n; i++)
        if (
          await wb
            .webview(i)
            .locator(selector)
            .isVisible()
            .catch(() => false)
        )
          return wb.webview(i);
      return undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** A saved lr range test as `knobs lr-find` writes it, from a synthetic curve through the core analysis. */
function writeLrFindResult(workspace: string): {
  file: string;
  range: { min: number; max: number };
  cyclic: { base_lr: number; max_lr: number };
} {
  const points = Array.from({ length: 80 }, (_, i) => {
    const lr = 1e-6 * 1e7 ** (i / 79);
    const x = Math.log10(lr);
    return { lr, loss: (x < -2 ? 2.3 - 1.8 / (1 + Math.exp(-(x + 3.5) * 3)) : 0.5 + (x + 2) ** 2 * 3) + 0.04 * Math.sin(i * 1.7) };
  });
  const an = analyseLrFind(points);
  const s = an.suggestion!;
  const range = sweepRange(s, an);
  const cyclic = cyclicLrArgs(s);
  const sweepFile = path.join(workspace, 'sweep.yaml');
  const result = {
    kind: 'knobs.lrFind',
    version: 1,
    createdAt: new Date().toISOString(),
    source: sweepFile,
    sweepFile,
    param: 'lr',
    argv: ['python3', 'train.py'],
    ramp: { minLr: 1e-6, maxLr: 10, steps: 80 },
    points,
    smoothed: an.smoothed.map((v) => (Number.isFinite(v) ? v : null)),
    stopIndex: an.stopIndex,
    diverged: an.diverged,
    minLr: an.minLr,
    exitCode: 0,
    suggestion: s,
    sweepRange: range,
    cyclicLr: cyclic,
    note: an.note,
  };
  const file = path.join(workspace, '.knobs', 'lr-find', '20250101-000000-000', 'result.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  return { file, range: { min: range.min, max: range.max }, cyclic };
}

// The two sessions are independent, so they run side by side (the whole e2e stays under ~3 min
// on 2 cores); the untrusted one is light (no trials).
describe('e2e in code-server', { concurrency: 2 }, () => {
  it('runs, watches, opens the dashboard, stops a trial, promotes, reloads mid-sweep (pytorch-digits)', {
    skip,
    timeout: 600_000,
  }, async () => {
    const tc = assertToolchain();
    const log = stepper('scenario');
    let s: Session | undefined;
    let failed = true;
    try {
      s = await startSession({ tc, name: 'scenario', trusted: true, prepareWorkspace: (d) => prepareDigitsWorkspace(d) });
      const { wb, workspace } = s;
      log(
        `workbench ready ${JSON.stringify(s.timings)}; installed: ${s.extensions.join(', ')}; vsix ${(s.vsixBytes / 1024).toFixed(0)} KiB`,
      );
      assert.ok(
        s.extensions.some((e) => /^knobs\.knobs@/.test(e)),
        `the .vsix is installed (extensions: ${s.extensions.join(', ')})`,
      );
      const trainPy = path.join(workspace, 'train.py');
      const defaultsBefore = argparseDefaults(trainPy);

      // 1. open sweep.yaml and click "▶ Run sweep" on its code lens
      await wb.openFile('sweep.yaml');
      const runLens = wb.codeLens(/Run sweep/);
      await runLens.waitFor({ state: 'visible', timeout: 45_000 });
      log(`code lenses: ${JSON.stringify(await wb.codeLensTexts())}`);
      await wb.screenshot('1-sweep-file-lenses');
      assert.equal(sweepDirs(workspace).length, 0, 'no sweep before the click');
      await runLens.click();
      const started = await waitFor(
        'a sweep folder with a live runner after "Run sweep"',
        () => {
          const sw = theSweep(workspace);
          return sw && sw.runner.kind === 'running' && sw.runner.pid ? sw : undefined;
        },
        { timeoutMs: 30_000 },
      );
      const runnerPid = started.runner.pid!;
      log(`sweep ${path.basename(path.dirname(started.paths.journal))} started; runner pid ${runnerPid}`);
      assert.ok(isRunning(runnerPid), 'the runner process is alive');

      // 2. trials appear in the tree and reach a final state
      await wb.showKnobs();
      const sweepItem = wb.treeItem(/^Sweep /);
      await sweepItem.waitFor({ state: 'visible', timeout: 20_000 });
      if ((await sweepItem.getAttribute('aria-expanded')) === 'false') await sweepItem.click();
      await wb.treeItem(/^Trial 1\b.*running/).waitFor({ state: 'visible', timeout: 30_000 });
      await wb.screenshot('2a-tree-running');
      const finalItem = wb.treeItem(/^Trial \d+, (completed|failed|stopped|pruned)/).first();
      await finalItem.waitFor({ state: 'visible', timeout: 45_000 });
      const finalLabel = (await finalItem.getAttribute('aria-label')) ?? '';
      log(`tree: ${JSON.stringify(await wb.treeLabels())}`);
      assert.match(
        finalLabel,
        /^Trial \d+, completed, val_loss [0-9.e+-]+/,
        `a trial completed with a metric (tree shows ${JSON.stringify(finalLabel)})`,
      );
      {
        const st = theSweep(workspace)!.state;
        const done = st.trials.filter((t) => isFinal(t.status));
        assert.ok(done.length >= 1, 'the journal has a finished trial');
        assert.ok(
          done.some((t) => t.status === 'completed' && typeof t.value === 'number'),
          `a completed trial with a value in the journal: ${JSON.stringify(done.map((t) => [t.id, t.status, t.value]))}`,
        );
      }
      await wb.screenshot('2b-tree-final');

      // 3. the dashboard: curves canvas and table rows
      const dashLens = wb.codeLens(/Dashboard/);
      if (await dashLens.isVisible().catch(() => false)) await dashLens.click();
      else await wb.runCommand('Knobs: Open Dashboard');
      const view = wb.webview();
      const canvas = view.locator('canvas:visible:not(.colorbar)').first();
      await canvas.waitFor({ state: 'visible', timeout: 30_000 });
      const rows = view.locator(ROW).filter({ hasText: /Completed|Running/i });
      await rows.first().waitFor({ state: 'visible', timeout: 20_000 });
      const rowCount = await rows.count();
      assert.ok(rowCount >= 2, `the table shows the running and finished trials (${rowCount} rows)`);
      const box = await canvas.boundingBox();
      assert.ok(box && box.width > 100 && box.height > 50, `the curves canvas has a size (${JSON.stringify(box)})`);
      const inked = await waitFor('curves drawn on the canvas', () => canvas.evaluate(inkedPixels), { timeoutMs: 15_000 });
      log(`dashboard: ${rowCount} rows, curves canvas ${box!.width}x${box!.height} with ${inked} drawn pixels`);
      await sleep(300);
      await wb.screenshot('3-dashboard');

      // 4. stop the running trial 1 (LONG_EPOCHS, minutes long) from the table
      {
        const st = theSweep(workspace)!.state;
        const t1 = st.trials.find((t) => t.id === 1);
        assert.equal(t1?.params.epochs, LONG_EPOCHS, 'trial 1 is the long one from points_to_evaluate');
        assert.equal(t1?.status, 'running', 'trial 1 is still running before the stop');
      }
      const row1 = trialRow(view, 1);
      const stop1 = row1.locator('[data-action="stop"], [role="button"][aria-label^="Stop"]').first();
      await stop1.waitFor({ state: 'visible', timeout: 10_000 });
      await stop1.click();
      await waitFor(
        'trial 1 stopped in the journal',
        () => theSweep(workspace)?.state.trials.find((t) => t.id === 1)?.status === 'stopped',
        { timeoutMs: 30_000 },
      );
      await wb.treeItem(/^Trial 1, stopped/).waitFor({ state: 'visible', timeout: 15_000 });
      await row1.filter({ hasText: /stopped/i }).waitFor({ state: 'visible', timeout: 15_000 });
      log('trial 1 stopped from the table');
      await wb.screenshot('4-trial-stopped');

      // 5. promote the best config: train.py's defaults change on disk
      const before5 = fs.readFileSync(trainPy, 'utf8');
      const opsBefore = readJournal(started.paths.journal).ops.length;
      await wb.runCommand('Knobs: Promote Best Config');
      // a checkbox per parameter first (the searched ones ticked); Enter keeps that choice
      const picker = wb.page.locator('.quick-input-widget', { hasText: /which parameters/ });
      const first = await waitFor(
        'the Promote checkboxes (or train.py changing, with the preview off)',
        async () => {
          if (fs.readFileSync(trainPy, 'utf8') !== before5) return 'direct' as const;
          return (await picker.isVisible().catch(() => false)) ? ('pick' as const) : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300 },
      );
      if (first === 'pick') {
        log(`promote checkboxes: ${JSON.stringify(await wb.page.locator('.quick-input-list .monaco-list-row').allInnerTexts())}`);
        await wb.screenshot('5a-promote-params');
        await wb.page.keyboard.press('Enter');
      }
      const how = await confirmPreview(wb, 'Promote', () => fs.readFileSync(trainPy, 'utf8') !== before5, log, '5b-promote-preview');
      // the searched parameters; epochs (a constant of the sweep, and a budget) stays as it was
      const PARAMS = ['lr', 'dropout', 'weight_decay', 'l1', 'batch_size', 'hidden'];
      // the save truncates then writes: wait for a complete new file
      const defaultsAfter = await waitFor(
        'train.py rewritten on disk',
        () => {
          const text = fs.readFileSync(trainPy, 'utf8');
          const d = argparseDefaultsOf(text);
          return text !== before5 && PARAMS.every((k) => k in d) ? d : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      // The best trial of a running sweep changes as trials report (a running trial can lead for
      // one epoch), so the promoted config must be the best one at some moment while the command
      // ran: replay the journal and collect the best trial after every op of that window.
      const ops5 = readJournal(started.paths.journal).ops;
      const st5 = createState();
      const bestIds = new Set<number>();
      ops5.forEach((op, i) => {
        applyOp(st5, op);
        if (i >= opsBefore - 1) {
          const b = promotableBest(st5);
          if (b) bestIds.add(b.id);
        }
      });
      const matches = (t: TrialRecord) =>
        PARAMS.every((name) => {
          const want = t.params[name];
          const got = defaultsAfter[name];
          if (got === undefined || want === undefined) return false;
          // promote writes 4 significant digits
          return typeof want === 'number' ? Math.abs(Number(got) - want) <= 5e-4 * Math.abs(want) : got === formatValue(want);
        });
      const promotedIds = st5.trials.filter(matches).map((t) => t.id);
      log(
        `promoted (${how}): train.py now has the config of trial(s) ${JSON.stringify(promotedIds)}; ` +
          `best during the command: ${JSON.stringify([...bestIds])}; ` +
          `defaults ${JSON.stringify(Object.fromEntries(PARAMS.map((k) => [k, defaultsAfter[k]])))}`,
      );
      assert.ok(promotedIds.length > 0, `train.py's defaults ${JSON.stringify(defaultsAfter)} are the config of a trial`);
      assert.ok(
        promotedIds.some((id) => bestIds.has(id)),
        `the promoted trial (${promotedIds}) was the best one while the command ran (${[...bestIds]})`,
      );
      assert.notDeepEqual(defaultsAfter, defaultsBefore, 'the defaults changed');
      assert.equal(defaultsAfter.epochs, defaultsBefore.epochs, 'the budget (epochs) was not promoted');
      await wb.screenshot('5-promoted');
      await wb.page.keyboard.press('Escape');

      // 6. reload the window mid-sweep: the runner goes on, the views re-attach
      const before6 = theSweep(workspace)!;
      assert.equal(before6.runner.kind, 'running', 'the sweep is still running before the reload');
      const journalSize = fs.statSync(before6.paths.journal).size;
      const trialsBefore = before6.state.trials.length;
      await wb.runCommand('Developer: Reload Window');
      await sleep(1000);
      await wb.waitReady();
      log('window reloaded');
      assert.ok(isRunning(runnerPid), `the runner (pid ${runnerPid}) survived the reload`);
      const after6 = await waitFor(
        'the journal to grow after the reload',
        () => {
          const sw = theSweep(workspace);
          return sw && fs.statSync(sw.paths.journal).size > journalSize && sw.state.trials.length > trialsBefore ? sw : undefined;
        },
        { timeoutMs: 30_000 },
      );
      assert.equal(after6.runner.pid, runnerPid, 'the same runner holds the sweep');
      log(`journal grew: ${after6.state.trials.length} trials (was ${trialsBefore}), runner pid ${runnerPid} alive`);
      await wb.showKnobs();
      await wb.treeItem(/^Sweep /).waitFor({ state: 'visible', timeout: 20_000 });
      const sweepItem6 = wb.treeItem(/^Sweep /);
      if ((await sweepItem6.getAttribute('aria-expanded')) === 'false') await sweepItem6.click();
      const newest = after6.state.trials.length;
      await wb.treeItem(new RegExp(`^Trial ${newest}\\b`)).waitFor({ state: 'visible', timeout: 20_000 });
      // trials asked after the reload means trials finished after it (each ends before the next is asked)
      const finishedAfter = after6.state.trials.filter((t) => isFinal(t.status)).length;
      await wb.treeItem(/^Trial 1, stopped/).waitFor({ state: 'visible', timeout: 10_000 });
      log('tree re-attached');
      // the dashboard is restored by its serializer and keeps receiving appends
      const view6 = wb.webview();
      await view6.locator('canvas:visible:not(.colorbar)').first().waitFor({ state: 'visible', timeout: 30_000 });
      await view6
        .locator(ROW)
        .filter({ hasText: /Completed/i })
        .first()
        .waitFor({ state: 'visible', timeout: 20_000 });
      // its header counts the trials finished after the reload too (snapshot + appends)
      const shown = await waitFor(
        `the dashboard to count ${finishedAfter}+ finished trials`,
        async () => {
          const m = /(\d+)\/\d+ finished/.exec(await view6.locator('body').innerText());
          return m && +m[1] >= finishedAfter ? +m[1] : undefined;
        },
        { timeoutMs: 20_000 },
      );
      log(
        `after reload: ${after6.state.trials.length} trials (was ${trialsBefore}), dashboard counts ${shown}; ` +
          `tree ${JSON.stringify((await wb.treeLabels()).slice(0, 4))}`,
      );
      await wb.screenshot('6-after-reload');

      // stop the sweep: the runner exits, nothing is left running
      const c = await stopSweepAndCheck(wb, workspace, runnerPid, s.tag);
      assert.ok(c.completed >= 2, `trials completed (${JSON.stringify(c)})`);
      await sleep(1000);
      await wb.screenshot('7-sweep-stopped');
      log(`done: ${JSON.stringify(c)}`);

      // 8. the lr finder panel on a saved result: the curve, "Use these bounds", "Write CyclicLR"
      const lrf = writeLrFindResult(workspace);
      const sweepYaml = path.join(workspace, 'sweep.yaml');
      await wb.openFile('sweep.yaml');
      await wb.runCommand('Knobs: Show Learning Rate Finder Result');
      const lrView = await webviewWith(wb, '#use-bounds');
      const lrCanvas = lrView.locator('canvas').first();
      await lrCanvas.waitFor({ state: 'visible', timeout: 20_000 });
      const lrInk = await waitFor('the lr-finder curve drawn', () => lrCanvas.evaluate(inkedPixels), { timeoutMs: 15_000 });
      const heading = await lrView.locator('h1').innerText();
      const sugg = await lrView.locator('.suggestion').innerText();
      log(`lr finder: ${JSON.stringify(heading)}; ${JSON.stringify(sugg)}; ${lrInk} drawn pixels`);
      assert.match(sugg, /^max_lr [0-9.e-]+ \(/);
      await wb.screenshot('8a-lr-finder');
      await lrView.locator('#use-bounds').click();
      const lrParam = await waitFor(
        'sweep.yaml to range lr over the saved bounds',
        () => {
          try {
            const p = loadSweepFile(sweepYaml).space.params.find((x) => x.name === 'lr');
            return p &&
              p.kind === 'numeric' &&
              p.distribution === 'log_uniform_values' &&
              p.min === lrf.range.min &&
              p.max === lrf.range.max
              ? p
              : undefined;
          } catch {
            return undefined;
          }
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      await lrView.locator('.status', { hasText: /now ranges/ }).waitFor({ state: 'visible', timeout: 10_000 });
      log(`use these bounds: lr ${lrParam.kind === 'numeric' ? `${lrParam.min} … ${lrParam.max}` : ''} in sweep.yaml`);
      await wb.screenshot('8b-bounds-written');
      const before8 = fs.readFileSync(trainPy, 'utf8');
      await lrView.locator('#write-cyclic-lr').click();
      await confirmPreview(wb, 'Write', () => fs.readFileSync(trainPy, 'utf8') !== before8, log, '8c-cyclic-lr-preview');
      const clr = await waitFor(
        'train.py with the CyclicLR bounds',
        () => {
          const d = argparseDefaultsOf(fs.readFileSync(trainPy, 'utf8'));
          return Number(d.base_lr) === lrf.cyclic.base_lr && Number(d.lr) === lrf.cyclic.max_lr ? d : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      log(`write CyclicLR: train.py defaults base_lr=${clr.base_lr}, lr=${clr.lr}`);
      await wb.screenshot('8d-cyclic-lr-written');

      // the sweep's dashboard shows the same range test in its LR finder tab
      await wb.runCommand('Knobs: Open Dashboard');
      const dash = await webviewWith(wb, 'vscode-tab-header[data-tab="lrfind"]');
      await dash.locator('vscode-tab-header[data-tab="lrfind"]').click();
      const tabCanvas = dash.locator('.lrf-canvas');
      await tabCanvas.waitFor({ state: 'visible', timeout: 20_000 });
      const tabInk = await waitFor("the dashboard's lr curve drawn", () => tabCanvas.evaluate(inkedPixels), { timeoutMs: 15_000 });
      const tabCaption = await dash.locator('.lrf-caption').innerText();
      log(`dashboard LR finder tab: ${JSON.stringify(tabCaption)}; ${tabInk} drawn pixels`);
      assert.match(tabCaption, /sweep\.yaml · lr: max_lr [0-9.e-]+/);
      await wb.screenshot('8e-dashboard-lr-tab');
      failed = false;
    } finally {
      await s?.close({ failed });
    }
  });

  it('refuses to run in an untrusted workspace, and the view says why', { skip, timeout: 120_000 }, async () => {
    const tc = assertToolchain();
    const log = stepper('untrusted');
    let s: Session | undefined;
    let failed = true;
    try {
      s = await startSession({ tc, name: 'untrusted', trusted: false, prepareWorkspace: (d) => prepareDigitsWorkspace(d) });
      const { wb, workspace } = s;
      log(`workbench ready (restricted mode) ${JSON.stringify(s.timings)}`);
      await wb.openFile('sweep.yaml');
      await wb.showKnobs();
      const text = await waitFor(
        'the Knobs view to say the workspace is not trusted',
        async () => {
          const t = await wb.sidebarText();
          return /trust/i.test(t) ? t : undefined;
        },
        { timeoutMs: 30_000 },
      );
      log(`view: ${JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 300))}`);
      await wb.screenshot('1-view-says-why');
      // asking to run is refused: a message, and no sweep, no runner, no trial
      const lens = wb.codeLens(/Run sweep/);
      if (
        await lens.waitFor({ state: 'visible', timeout: 20_000 }).then(
          () => true,
          () => false,
        )
      )
        await lens.click();
      else await wb.runCommand('Knobs: Run Sweep');
      const notes = await waitFor(
        'a notification that running needs a trusted workspace',
        async () => {
          const n = await wb.notificationTexts();
          return n.some((t) => /trust/i.test(t)) ? n : undefined;
        },
        { timeoutMs: 20_000 },
      );
      log(`notifications: ${JSON.stringify(notes)}`);
      await sleep(2000); // time for anything that would start to show up
      await wb.screenshot('2-run-refused');
      assert.deepEqual(sweepDirs(workspace), [], 'no sweep was created in an untrusted workspace');
      assert.ok(!fs.existsSync(path.join(workspace, '.knobs')), 'no .knobs folder');
      assert.deepEqual(
        taggedPids(s.tag).filter((p) => /python|_runner/.test(cmdline(p))),
        [],
        'no runner or trial process',
      );
      failed = false;
    } finally {
      await s?.close({ failed });
    }
  });
});

/** Table rows of the dashboard (its virtual table's `.tr` slots; hidden slots excluded). */
const ROW = '.tr:visible, [role="row"]:visible';

/** The dashboard row of one trial: its first cell is the trial number. */
function trialRow(view: FrameLocator, id: number): Locator {
  return view
    .locator(ROW)
    .filter({ has: view.locator('.td:first-child, [role="cell"]:first-child', { hasText: new RegExp(`^\\s*#?${id}\\s*$`) }) })
    .first();
}

/** Number of non-transparent pixels of a canvas (0 when nothing was drawn). Runs in the webview. */
function inkedPixels(c: unknown): number {
  const canvas = c as unknown as {
    width: number;
    height: number;
    getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  };
  const ctx = canvas.getContext('2d');
  if (!ctx || !canvas.width || !canvas.height) return 0;
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
  return n;
}

// code-server's and chromium's handles must not keep this test process alive: every session
// is closed in `finally`, and if anything still holds the event loop, exit explicitly.
after(() => {
  removeVsix();
  setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
});
