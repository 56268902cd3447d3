/**
 * The webview panel host shared by the dashboard and the LR finder (src/extension/webview/):
 * the HTML shell and its CSP, reveal-or-create by key, the ready handshake, inbound messages
 * through the panel's validator, logged posts, restore, and idempotent dispose. Driven with a
 * fake of the VS Code webview API (test/support/fakeWebview.ts).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { contentSecurityPolicy, makeNonce, webviewHtml } from '../../src/extension/webview/html';
import { HostedPanel, type PanelContext, PanelHost, type PanelKind } from '../../src/extension/webview/panelHost';
import { type FakePanel, FakeWebviewApi, fakeLog, settle } from '../support/fakeWebview';

test('webview html: strict CSP with one nonce on every script and style, assets from the given URIs, #app', () => {
  const html = webviewHtml({
    cspSource: 'https://x.vscode-cdn.net',
    scriptUri: 'https://x.vscode-cdn.net/ext/dist/webview.js',
    styleUri: 'https://x.vscode-cdn.net/ext/dist/webview.css',
    nonce: 'abc123',
  });
  assert.match(
    html,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https:\/\/x\.vscode-cdn\.net data:; style-src https:\/\/x\.vscode-cdn\.net 'nonce-abc123'; script-src 'nonce-abc123'; font-src https:\/\/x\.vscode-cdn\.net">/,
  );
  assert.match(html, /<div id="app"/);
  const scripts = [...html.matchAll(/<script([^>]*)>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0][1], /nonce="abc123" src="https:\/\/x\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
  assert.match(html, /<link rel="stylesheet" href="https:\/\/x\.vscode-cdn\.net\/ext\/dist\/webview\.css" nonce="abc123">/);
  assert.ok(!/unsafe-inline|unsafe-eval/.test(html));
  assert.equal(
    contentSecurityPolicy('S', 'N'),
    "default-src 'none'; img-src S data:; style-src S 'nonce-N'; script-src 'nonce-N'; font-src S",
  );
});

test('nonces are fresh and alphanumeric', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9]{16,}$/);
});

// ---- a panel kind for the tests --------------------------------------------------------------

type In = { type: 'ready' } | { type: 'ping'; n: number } | { type: 'boom' };
type Out = { type: 'hello'; key: string } | { type: 'pong'; n: number };

const parse = (raw: unknown): In | string => {
  const m = raw as { type?: unknown; n?: unknown } | null;
  if (!m || typeof m !== 'object') return 'not an object';
  if (m.type === 'ready' || m.type === 'boom') return { type: m.type };
  if (m.type === 'ping' && typeof m.n === 'number') return { type: 'ping', n: m.n };
  return `unknown type ${JSON.stringify(m.type)}`;
};

const KIND: PanelKind<In> = {
  viewType: 'knobs.test',
  name: 'test panel',
  bundle: 'testBundle',
  htmlTitle: (k) => `Knobs: ${k}`,
  retainContextWhenHidden: true,
  parse,
};

class EchoPanel extends HostedPanel<In, Out> {
  readonly handled: In[] = [];
  /** Posts before the handshake (dropped). */
  early(): void {
    this.post({ type: 'pong', n: -1 });
  }
  protected handle(msg: In): void {
    this.handled.push(msg);
    if (msg.type === 'ready') this.post({ type: 'hello', key: this.key });
    if (msg.type === 'ping') this.post({ type: 'pong', n: msg.n });
    if (msg.type === 'boom') throw new Error('the handler broke');
  }
}

function setup(restore: (host: PanelHost<In, EchoPanel>, panel: vscode.WebviewPanel, state: unknown) => void = () => undefined) {
  const api = new FakeWebviewApi();
  const log = fakeLog();
  const errors: string[] = [];
  const ctx: PanelContext<In> = { kind: KIND, api, log, onError: (what, e) => errors.push(`${what}: ${(e as Error).message}`) };
  const host: PanelHost<In, EchoPanel> = new PanelHost<In, EchoPanel>(
    ctx,
    (key, panel, c) => new EchoPanel(key, panel, c),
    (panel, state) => restore(host, panel, state),
  );
  const fake = (p: EchoPanel) => p.panel as unknown as FakePanel;
  return { api, log, errors, host, fake };
}

test('a new panel: scripts on, assets from dist/ and media/ only, its bundle under the strict CSP, the beaker icon', () => {
  const { api, host, fake } = setup();
  const p = host.open('/w/a', 'Knobs: a');
  const f = fake(p);
  assert.deepEqual(
    api.created.map((c) => [c.viewType, c.title]),
    [['knobs.test', 'Knobs: a']],
  );
  assert.equal(f.options.retainContextWhenHidden, true);
  assert.equal(f.options.enableScripts, true);
  const roots = (o: vscode.WebviewOptions) => o.localResourceRoots?.map((u) => u.path);
  assert.deepEqual(roots(f.webview.options), ['/ext/dist', '/ext/media']);
  assert.deepEqual(roots(f.options as vscode.WebviewOptions), ['/ext/dist', '/ext/media']);
  const html = f.webview.html;
  const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(html)?.[1];
  assert.ok(nonce, html);
  assert.match(html, new RegExp(`<script nonce="${nonce}" src="https://csp.test/ext/dist/testBundle.js"></script>`));
  assert.match(html, new RegExp(`<link rel="stylesheet" href="https://csp.test/ext/dist/testBundle.css" nonce="${nonce}">`));
  assert.match(html, /default-src 'none'; img-src https:\/\/csp\.test data:/);
  assert.match(html, /<title>Knobs: \/w\/a<\/title>/);
  assert.deepEqual(f.iconPath, { path: '/ext/media/beaker.svg' });
  assert.equal(fake(host.open('/w/b', 'Knobs: b')).webview.html.includes(`nonce-${nonce}`), false, 'each panel its own nonce');
});

test('reveal-or-create: one panel per key; the same key reveals it, another key gets its own, a closed one is made anew', () => {
  const { api, log, host, fake } = setup();
  const a = host.open('/w/a', 'Knobs: a');
  assert.equal(host.open('/w/a', 'Knobs: a'), a, 'the same panel');
  assert.equal(api.created.length, 1, 'no second tab');
  assert.equal(fake(a).reveals, 1);
  const b = host.open('/w/b', 'Knobs: b');
  assert.notEqual(b, a);
  assert.deepEqual(host.all(), [a, b]);
  assert.equal(host.get('/w/b'), b);
  fake(a).dispose(); // the user closes the tab
  assert.equal(host.has('/w/a'), false, 'its key is free');
  assert.equal(a.disposables.isDisposed, true);
  const again = host.open('/w/a', 'Knobs: a');
  assert.notEqual(again, a);
  assert.equal(api.created.length, 3);
  assert.deepEqual(
    log.lines.filter((l) => l.includes('opened')),
    ['info test panel opened for /w/a', 'info test panel opened for /w/b', 'info test panel opened for /w/a'],
  );
});

test('the ready handshake: nothing is posted before the webview says ready; after it, posts go through', async () => {
  const { host, fake } = setup();
  const p = host.open('/w/a', 'Knobs: a');
  p.early();
  fake(p).receive({ type: 'ping', n: 1 });
  await settle();
  assert.deepEqual(fake(p).posted, [], 'not ready: dropped');
  fake(p).receive({ type: 'ready' });
  fake(p).receive({ type: 'ping', n: 2 });
  await settle();
  assert.deepEqual(fake(p).posted, [
    { type: 'hello', key: '/w/a' },
    { type: 'pong', n: 2 },
  ]);
  assert.deepEqual(
    p.handled.map((m) => m.type),
    ['ping', 'ready', 'ping'],
  );
});

test("inbound messages go through the kind's validator: invalid ones are logged and dropped, a handler's error is reported", async () => {
  const { log, errors, host, fake } = setup();
  const p = host.open('/w/a', 'Knobs: a');
  fake(p).receive({ type: 'eval', code: 'alert(1)' });
  fake(p).receive('ready');
  fake(p).receive({ type: 'ping', n: 'x' });
  fake(p).receive({ type: 'boom' });
  await settle();
  assert.deepEqual(p.handled, [{ type: 'boom' }], 'only the valid message reached the handler');
  assert.deepEqual(
    log.lines.filter((l) => l.startsWith('warn')),
    [
      'warn test panel: ignored an invalid message (unknown type "eval")',
      'warn test panel: ignored an invalid message (not an object)',
      'warn test panel: ignored an invalid message (unknown type "ping")',
    ],
  );
  assert.deepEqual(errors, ['test panel boom: the handler broke']);
});

test('a post that fails is logged', async () => {
  const { log, host, fake } = setup();
  const p = host.open('/w/a', 'Knobs: a');
  fake(p).failPosts = true;
  fake(p).receive({ type: 'ready' });
  await settle();
  assert.deepEqual(
    log.lines.filter((l) => l.startsWith('warn')),
    ['warn test panel post failed: Error: the webview is gone'],
  );
});

test('restore: the owner adopts a panel of a reloaded window under its key; a key already open closes the newcomer', async () => {
  const { api, log, host } = setup((h, panel, state) => {
    const key = (state as { key?: string } | undefined)?.key;
    if (key) h.adopt(key, panel);
    else panel.dispose();
  });
  const r = await api.restore('knobs.test', 'Knobs: a', { key: '/w/a' });
  assert.equal(host.get('/w/a')?.panel, r.asPanel());
  assert.match(r.webview.html, /testBundle\.js/, 'the restored panel gets the shell too');
  assert.equal(host.open('/w/a', 'Knobs: a').panel, r.asPanel(), 'open reveals the restored panel');
  assert.equal(r.reveals, 1);
  const dup = await api.restore('knobs.test', 'Knobs: a', { key: '/w/a' });
  assert.equal(dup.disposed, true);
  assert.equal(host.get('/w/a')?.panel, r.asPanel());
  const gone = await api.restore('knobs.test', 'Knobs: ?', undefined);
  assert.equal(gone.disposed, true);
  assert.deepEqual(host.all().length, 1);
  assert.deepEqual(
    log.lines.filter((l) => l.includes('restored')),
    ['info test panel restored for /w/a'],
  );
});

test('dispose is idempotent: a panel and the host dispose once, close their tabs and stop posting', async () => {
  const { api, host, fake } = setup();
  const a = host.open('/w/a', 'Knobs: a');
  const b = host.open('/w/b', 'Knobs: b');
  fake(a).receive({ type: 'ready' });
  await settle();
  a.dispose();
  a.dispose();
  assert.equal(fake(a).disposed, true);
  assert.equal(host.has('/w/a'), false, 'closing disposes the tab, and the host forgets it');
  assert.equal(fake(a).messages.size, 0, 'its message listener is gone');
  const before = fake(a).posted.length;
  a.early();
  assert.equal(fake(a).posted.length, before, 'a disposed panel posts nothing');
  host.dispose();
  host.dispose();
  assert.equal(fake(b).disposed, true);
  assert.equal(host.all().length, 0);
  assert.equal(api.serializersDisposed, 1, 'the serializer once');
});
