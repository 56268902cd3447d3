/** The command table ↔ package.json contributes (commands, menus, activation), and the manifest. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  ALL_COMMAND_IDS,
  COMMAND_CATEGORY,
  COMMANDS,
  DASHBOARD_VIEW_TYPE,
  SETTINGS,
  SWEEPS_VIEW_ID,
  VIEW_CONTAINER_ID,
} from '../../src/extension/commandIds';
import { sweepContextValue, trialContextValue } from '../../src/extension/tree/model';
import { UNTRUSTED_MESSAGE } from '../../src/extension/trust';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

test('every table command is contributed with its title, the "Knobs" category and an icon; and nothing else is', () => {
  const contributed = new Map<string, { title: string; category: string; icon?: string }>(
    contributes.commands.map((c: { command: string }) => [c.command, c]),
  );
  for (const c of Object.values(COMMANDS)) {
    const p = contributed.get(c.id);
    assert.ok(p, `${c.id} is in package.json contributes.commands`);
    assert.equal(p.title, c.title, `${c.id} title`);
    assert.equal(p.category, COMMAND_CATEGORY);
    assert.equal(p.icon, c.icon);
  }
  assert.deepEqual([...contributed.keys()].sort(), [...ALL_COMMAND_IDS].sort(), 'package.json has no command outside the table');
});

test('command ids follow knobs.<verb><Noun> and keys match ids', () => {
  for (const [key, c] of Object.entries(COMMANDS)) {
    assert.match(c.id, /^knobs\.[a-z]+[A-Z][A-Za-z]*$/, c.id);
    assert.equal(c.id, `knobs.${key}`);
  }
  assert.equal(new Set(ALL_COMMAND_IDS).size, ALL_COMMAND_IDS.length, 'unique');
});

test('the palette shows exactly the palette commands', () => {
  const hidden = new Set((contributes.menus.commandPalette as MenuItem[]).filter((m) => m.when === 'false').map((m) => m.command));
  for (const c of Object.values(COMMANDS)) assert.equal(hidden.has(c.id), !c.palette, `${c.id} palette visibility`);
  for (const name of [
    'Run Sweep',
    'Resume Sweep',
    'Stop Sweep',
    'Stop Trial',
    'Open Dashboard',
    'Promote Best Config',
    'New Sweep File',
    'Show Logs',
  ]) {
    assert.ok(
      Object.values(COMMANDS).some((c) => c.title === name && c.palette),
      `"Knobs: ${name}" is in the palette`,
    );
  }
});

test('menus only name table commands, and their viewItem patterns match the tree model contextValues', () => {
  const menus = contributes.menus as Record<string, MenuItem[]>;
  for (const [where, items] of Object.entries(menus))
    for (const m of items)
      assert.ok((ALL_COMMAND_IDS as readonly string[]).includes(m.command), `${where}: ${m.command} is a table command`);
  const ctx = menus['view/item/context'];
  const matches = (m: MenuItem, value: string) => {
    const w = m.when ?? '';
    const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(w);
    if (re) return new RegExp(re[1]).test(value);
    const eq = /viewItem == ([\w.]+)/.exec(w);
    return eq ? eq[1] === value : false;
  };
  const commandsFor = (value: string) => new Set(ctx.filter((m) => matches(m, value)).map((m) => m.command));
  const running = commandsFor(sweepContextValue('running'));
  assert.ok(running.has(COMMANDS.openDashboard.id) && running.has(COMMANDS.stopSweep.id));
  assert.ok(!running.has(COMMANDS.resumeSweep.id) && !running.has(COMMANDS.deleteSweep.id), 'a running sweep cannot be resumed or deleted');
  for (const phase of ['stopped', 'lost', 'finished'] as const) {
    const idle = commandsFor(sweepContextValue(phase));
    assert.ok(idle.has(COMMANDS.resumeSweep.id) && idle.has(COMMANDS.deleteSweep.id) && idle.has(COMMANDS.openDashboard.id), phase);
    assert.ok(!idle.has(COMMANDS.stopSweep.id), phase);
  }
  const runningTrial = commandsFor(trialContextValue('running'));
  for (const c of [
    COMMANDS.stopTrial,
    COMMANDS.openTrialLogs,
    COMMANDS.openTrialFolder,
    COMMANDS.promoteTrialConfig,
    COMMANDS.rerunTrialConfig,
  ])
    assert.ok(runningTrial.has(c.id), c.id);
  const doneTrial = commandsFor(trialContextValue('completed'));
  assert.ok(!doneTrial.has(COMMANDS.stopTrial.id));
  assert.ok(doneTrial.has(COMMANDS.promoteTrialConfig.id));
  const title = new Set(menus['view/title'].filter((m) => m.when?.includes(`view == ${SWEEPS_VIEW_ID}`)).map((m) => m.command));
  assert.ok(title.has(COMMANDS.newSweepFile.id) && title.has(COMMANDS.refreshSweeps.id), 'title actions New sweep, Refresh');
});

test('activation only by contribution: views, commands, journals, yaml, the dashboard — never *', () => {
  const ev: string[] = pkg.activationEvents;
  assert.ok(!ev.includes('*') && !ev.some((e) => e === 'onStartupFinished'), 'no eager activation');
  for (const e of ev) assert.match(e, /^(onView|onCommand|workspaceContains|onLanguage|onWebviewPanel):/, e);
  assert.ok(ev.includes(`onView:${SWEEPS_VIEW_ID}`));
  assert.ok(ev.includes('workspaceContains:**/.knobs/sweeps/*/journal.jsonl'));
  assert.ok(ev.includes(`onWebviewPanel:${DASHBOARD_VIEW_TYPE}`), 'restoring dashboards activates');
  const onCommand = ev.filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length));
  assert.deepEqual(onCommand.sort(), [...ALL_COMMAND_IDS].sort(), 'onCommand events match the table');
});

test('view container "Knobs", the sweeps view, welcome text for untrusted workspaces', () => {
  const containers = contributes.viewsContainers.activitybar;
  assert.deepEqual(
    containers.map((c: { id: string; title: string }) => [c.id, c.title]),
    [[VIEW_CONTAINER_ID, 'Knobs']],
  );
  assert.ok(fs.existsSync(path.join(ROOT, containers[0].icon)));
  assert.deepEqual(
    contributes.views[VIEW_CONTAINER_ID].map((v: { id: string }) => v.id),
    [SWEEPS_VIEW_ID],
  );
  const welcome = contributes.viewsWelcome as { view: string; when: string; contents: string }[];
  const untrusted = welcome.find((w) => w.when === '!isWorkspaceTrusted')!;
  assert.ok(untrusted.contents.includes(UNTRUSTED_MESSAGE));
  for (const w of welcome)
    for (const m of w.contents.matchAll(/\(command:([\w.]+)\)/g))
      if (m[1].startsWith('knobs.')) assert.ok((ALL_COMMAND_IDS as readonly string[]).includes(m[1]), m[1]);
});

test('settings in the table are contributed, and only those', () => {
  const props = Object.keys(contributes.configuration.properties).sort();
  assert.deepEqual(props, Object.values(SETTINGS).sort());
  assert.equal(contributes.configuration.properties[SETTINGS.codeLensEnabled].default, true);
});

test('manifest: workspace extension, limited untrusted support, walkthrough, icon 128x128, repository, packaging', () => {
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(pkg.capabilities.untrustedWorkspaces.description.length > 20);
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(pkg.repository?.url);
  assert.ok(pkg.categories.length > 0 && pkg.keywords.length > 0);
  const png = fs.readFileSync(path.join(ROOT, pkg.icon));
  assert.equal(png.toString('ascii', 1, 4), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  const walk = contributes.walkthroughs[0];
  assert.deepEqual(
    walk.steps.map((s: { id: string }) => s.id),
    ['openExample', 'runSweep', 'promote'],
  );
  for (const s of walk.steps) {
    assert.ok(fs.existsSync(path.join(ROOT, s.media.markdown)), s.media.markdown);
    for (const m of (s.description as string).matchAll(/\(command:([\w.]+)\)/g))
      assert.ok((ALL_COMMAND_IDS as readonly string[]).includes(m[1]), m[1]);
  }
  assert.match(pkg.scripts.package, /vsce package --no-dependencies .*-o knobs\.vsix/);
  const ignore = fs
    .readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  for (const keep of ['dist', 'helpers', 'media']) assert.ok(!ignore.some((l) => l === `${keep}/**` || l === keep), `${keep} ships`);
  for (const drop of ['src/**', 'test/**', 'out/**', '**/node_modules/**', '.cache/**'])
    assert.ok(ignore.includes(drop), `${drop} is left out`);
});
