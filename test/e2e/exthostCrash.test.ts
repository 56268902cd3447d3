/**
 * The extension host crashes mid-sweep (e2e in code-server, issue 7): on a copy of
 * examples/pytorch-digits, start the sweep from its code lens (trial 1 is the long one), open the
 * dashboard, then SIGKILL this server's extension host (the `--type=extensionHost` process that
 * carries this run's tag; nothing else is touched). The detached runner keeps its pid and the
 * journal keeps growing while no extension runs. The extension host comes back (code-server
 * restarts it by itself after a first crash; else the notification's Restart button or
 * "Developer: Restart Extension Host"), and then:
 *   - the Knobs tree shows the sweep's trials again, those started after the crash included;
 *   - the dashboard shows the trials started after the crash. VS Code does not revive the tab
 *     open at the crash for the new extension host (microsoft/vscode#188257); the extension
 *     closes such orphaned tabs and re-opens their dashboards, and a tab left stale fails the
 *     test (KNOBS_E2E_STRICT_REATTACH=0 only logs it, closes it and reopens the dashboard);
 *   - the learning curve of the long trial has no gap: the steps the webview holds for it
 *     (window.__knobsApp.store) are 1..N, a prefix of the journal's steps, past the crash step,
 *     and the table's step column agrees.
 * Then the sweep is stopped from the palette and no process is left.
 * Screenshots go to test/e2e/artifacts/exthost-*.png.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { isRunning, sleep, taggedPids, waitFor } from './support/processes';
import { type Session, startSession } from './support/session';
import { cmdline, stepper, stopSweepAndCheck } from './support/steps';
import { LONG_EPOCHS, prepareDigitsWorkspace, theSweep } from './support/sweep';
import { assertToolchain, skipReason } from './support/toolchain';
import { removeVsix } from './support/vsix';
import type { Workbench } from './support/workbench';

const skip = skipReason();

/**
 * How long the dashboard tab that was open at the crash gets to show the new trials. VS Code keeps
 * that panel but gives the new extension host no handle on it (it is not revived through the
 * serializer), so today it stays stale unless the extension closes and reopens orphaned tabs on
 * activation. With STRICT_REATTACH that is a failure; without it the test logs it, closes the
 * stale tab and reopens the dashboard, and checks the reopened one instead.
 */
const REATTACH_MS = 10_000;
/** The extension re-opens orphaned dashboards (DashboardManager.reopenOrphans): a stale tab fails. */
const STRICT_REATTACH = process.env.KNOBS_E2E_STRICT_REATTACH !== '0';

/** The extension host processes of this session's server (its env carries the session's tag). */
function extensionHosts(tag: string): number[] {
  return taggedPids(tag).filter((p) => isRunning(p) && /--type=extensionHost\b/.test(cmdline(p)));
}

/** Steps of the journal's current attempt of a trial for the sweep metric (val_loss). */
function journalSteps(workspace: string, trial: number): number[] {
  const sw = theSweep(workspace);
  const t = sw?.state.byId.get(trial);
  const metric = sw?.state.created?.metric.name ?? 'val_loss';
  return (t?.series[metric] ?? []).map((p) => p.step);
}

interface PageSeries {
  attempt: number;
  steps: number[];
}

/** What the dashboard's store holds (window.__knobsApp in the webview): trial ids, and the metric steps of `trial`. */
async function dashboardData(view: FrameLocator, trial: number): Promise<{ ids: number[]; series: PageSeries | null }> {
  return view.locator('body').evaluate((_b, id) => {
    // the store is columnar: ids[0..size) are the trial ids; a series' steps are a typed array
    type Store = { size: number; ids: Int32Array; seriesOf(id: number): { attempt: number; steps: ArrayLike<number> } | undefined };
    const app = (globalThis as unknown as { __knobsApp?: { store: Store } }).__knobsApp;
    if (!app) return { ids: [], series: null };
    const s = app.store.seriesOf(id);
    return {
      ids: Array.from(app.store.ids.subarray(0, app.store.size)),
      series: s ? { attempt: s.attempt, steps: Array.from(s.steps) } : null,
    };
  }, trial);
}

/** 1..N without a hole or a repeat. */
function contiguousFromOne(steps: number[]): boolean {
  return steps.every((s, i) => s === i + 1);
}

async function expandSweep(wb: Workbench): Promise<void> {
  const item = wb.treeItem(/^Sweep /);
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await item.getAttribute('aria-expanded')) === 'false') await item.click();
}

describe('e2e in code-server: extension host crash', () => {
  it('SIGKILL of the extension host mid-sweep: the runner goes on, tree and dashboard re-attach, no gap in the curve', {
    skip,
    timeout: 300_000,
  }, async () => {
    const tc = assertToolchain();
    const log = stepper('exthost');
    let s: Session | undefined;
    let failed = true;
    try {
      s = await startSession({ tc, name: 'exthost', trusted: true, prepareWorkspace: (d) => prepareDigitsWorkspace(d) });
      const { wb, workspace, tag } = s;
      log(`workbench ready ${JSON.stringify(s.timings)}`);

      // start the sweep from the code lens; trial 1 (LONG_EPOCHS) runs for minutes
      await wb.openFile('sweep.yaml');
      const runLens = wb.codeLens(/Run sweep/);
      await runLens.waitFor({ state: 'visible', timeout: 45_000 });
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
      const journal = started.paths.journal;
      log(`sweep started; runner pid ${runnerPid}`);
      await wb.showKnobs();
      await expandSweep(wb);
      await wb.treeItem(/^Trial 1\b.*running/).waitFor({ state: 'visible', timeout: 45_000 });

      // the dashboard, with some of trial 1's curve in it
      await wb.runCommand('Knobs: Open Dashboard');
      const view = wb.webview();
      await view.locator('canvas:visible:not(.colorbar)').first().waitFor({ state: 'visible', timeout: 30_000 });
      const before = await waitFor(
        'trial 1 has 3+ epochs in the dashboard',
        async () => {
          const d = await dashboardData(view, 1);
          return d.series && d.series.steps.length >= 3 ? d : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      assert.equal(theSweep(workspace)!.state.byId.get(1)?.params.epochs, LONG_EPOCHS, 'trial 1 is the long one');
      assert.ok(
        contiguousFromOne(before.series!.steps),
        `trial 1's steps before the crash are 1..N: ${JSON.stringify(before.series!.steps)}`,
      );
      log(`dashboard: trials ${JSON.stringify(before.ids)}, trial 1 at step ${before.series!.steps.at(-1)}`);
      await wb.screenshot('1-dashboard-before-crash');

      // SIGKILL this server's extension host, and only it
      const hosts = extensionHosts(tag);
      assert.equal(
        hosts.length,
        1,
        `one extension host for this session (found ${JSON.stringify(hosts.map((p) => [p, cmdline(p).slice(0, 160)]))})`,
      );
      const exthost = hosts[0];
      assert.notEqual(exthost, runnerPid, 'the extension host is not the runner');
      const atCrash = theSweep(workspace)!;
      const sizeAtCrash = fs.statSync(journal).size;
      const lastIdAtCrash = atCrash.state.trials.length;
      const stepAtCrash = journalSteps(workspace, 1).length;
      process.kill(exthost, 'SIGKILL');
      await waitFor(`the extension host (pid ${exthost}) to die`, () => !isRunning(exthost), { timeoutMs: 10_000, intervalMs: 100 });
      log(
        `killed the extension host (pid ${exthost}); journal ${sizeAtCrash} bytes, ${lastIdAtCrash} trials, trial 1 at step ${stepAtCrash}`,
      );

      // without an extension host the runner goes on: same pid, the journal grows, new trials start
      const grown = await waitFor(
        'the journal to grow and a new trial to start with the extension host dead',
        () => {
          if (!isRunning(runnerPid)) throw new Error(`the runner (pid ${runnerPid}) died with the extension host`);
          const sw = theSweep(workspace);
          return sw && fs.statSync(journal).size > sizeAtCrash && sw.state.trials.length > lastIdAtCrash ? sw : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 300 },
      );
      assert.equal(grown.runner.kind, 'running', 'the sweep is still running');
      assert.equal(grown.runner.pid, runnerPid, 'the same runner holds the sweep');
      log(
        `journal grew while the host was down: ${grown.state.trials.length} trials (was ${lastIdAtCrash}); ` +
          `trial 1 at step ${journalSteps(workspace, 1).length}; notifications ${JSON.stringify(await wb.notificationTexts())}`,
      );
      await wb.screenshot('2-extension-host-down');

      // restart the extension host. code-server restarts it by itself after a first crash ("The
      // remote extension host terminated unexpectedly. Restarting..."); otherwise the crash
      // notification's Restart button, else "Developer: Restart Extension Host".
      let how = 'VS Code itself';
      let newHost = await waitFor('a new extension host process', () => extensionHosts(tag).find((p) => p !== exthost), {
        timeoutMs: 15_000,
        intervalMs: 200,
      }).catch(() => undefined);
      if (!newHost) {
        const restartBtn = wb
          .notifications()
          .getByRole('button', { name: /Restart/i })
          .first();
        if (await restartBtn.isVisible().catch(() => false)) {
          await restartBtn.click();
          how = "the notification's Restart button";
        } else {
          await wb.runCommand('Developer: Restart Extension Host');
          how = 'the command Developer: Restart Extension Host';
        }
        newHost = await waitFor('a new extension host process', () => extensionHosts(tag).find((p) => p !== exthost), {
          timeoutMs: 30_000,
          intervalMs: 200,
        });
      }
      log(`extension host restarted by ${how}: pid ${newHost}`);
      assert.ok(isRunning(runnerPid), `the runner (pid ${runnerPid}) survived the crash and the restart`);

      // the tree shows the sweep's trials again, including those started after the crash
      await wb.showKnobs();
      await expandSweep(wb);
      const afterIds = theSweep(workspace)!.state.trials.length;
      await wb.treeItem(new RegExp(`^Trial ${afterIds}\\b`)).waitFor({ state: 'visible', timeout: 30_000 });
      await wb.treeItem(/^Trial 1\b.*running/).waitFor({ state: 'visible', timeout: 15_000 });
      log(`tree re-attached: ${JSON.stringify((await wb.treeLabels()).slice(0, 5))}`);

      // the dashboard shows the trials started after the crash
      const newIds = Array.from({ length: afterIds - lastIdAtCrash }, (_, i) => lastIdAtCrash + 1 + i);
      const hasNew = async (v: FrameLocator) => {
        const d = await dashboardData(v, 1).catch(() => undefined);
        return d && newIds.every((id) => d.ids.includes(id)) ? d : undefined;
      };
      let view2 = wb.webview();
      let shown = await waitFor('the open dashboard to re-attach', () => hasNew(view2), { timeoutMs: REATTACH_MS, intervalMs: 500 }).catch(
        () => undefined,
      );
      if (shown) log(`the open dashboard re-attached: ${shown.ids.length} trials`);
      else {
        const stale = await dashboardData(view2, 1).catch(() => undefined);
        const msg =
          `the dashboard tab opened before the crash did not re-attach within ${REATTACH_MS} ms: ` +
          `it still holds trials ${JSON.stringify(stale?.ids)} (the journal has ${theSweep(workspace)!.state.trials.length}) ` +
          `and trial 1 at step ${stale?.series?.steps.at(-1)} ` +
          '(VS Code does not revive a resolved webview panel for a new extension host, microsoft/vscode#188257)';
        await wb.screenshot('3a-dashboard-orphaned');
        if (STRICT_REATTACH) assert.fail(msg);
        log(`KNOWN GAP: ${msg}; closing it and reopening the dashboard`);
        await wb.editorTab('Knobs: ').click();
        await wb.runCommand('View: Close Editor');
        await waitFor('the orphaned dashboard tab to close', async () => (await wb.webviewCount()) === 0, { timeoutMs: 10_000 });
        await wb.runCommand('Knobs: Open Dashboard');
        view2 = wb.webview();
        await view2.locator('canvas:visible:not(.colorbar)').first().waitFor({ state: 'visible', timeout: 30_000 });
        shown = await waitFor(
          `the reopened dashboard to hold the trials started after the crash (${JSON.stringify(newIds)})`,
          () => hasNew(view2),
          { timeoutMs: 30_000, intervalMs: 500 },
        );
        log(`dashboard reopened: ${shown.ids.length} trials`);
      }

      // no gap in trial 1's curve: the webview holds steps 1..N, the journal's own, past the crash
      const curve = await waitFor(
        `trial 1's curve in the dashboard to reach past the crash (step ${stepAtCrash})`,
        async () => {
          const d = await dashboardData(view2, 1);
          return d.series && d.series.steps.length > stepAtCrash ? d.series : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const fromJournal = journalSteps(workspace, 1);
      log(
        `trial 1: dashboard steps 1..${curve.steps.at(-1)} (${curve.steps.length} points), ` +
          `journal steps 1..${fromJournal.at(-1)} (${fromJournal.length}); crash at step ${stepAtCrash}`,
      );
      assert.ok(contiguousFromOne(fromJournal), `the journal's steps of trial 1 are 1..N: ${JSON.stringify(fromJournal)}`);
      assert.ok(contiguousFromOne(curve.steps), `the dashboard's steps of trial 1 are 1..N, no gap: ${JSON.stringify(curve.steps)}`);
      assert.ok(
        curve.steps.length <= fromJournal.length,
        `the dashboard holds no step the journal lacks (${curve.steps.length} > ${fromJournal.length})`,
      );
      assert.deepEqual(curve.steps, fromJournal.slice(0, curve.steps.length), "the dashboard's steps are the journal's");
      // the table's step column agrees with the journal for trial 1
      const stepCell = await waitFor(
        "trial 1's row in the table",
        async () => {
          const rows = view2.locator('.tr:visible, [role="row"]:visible');
          for (const r of await rows.all()) {
            const cells = (await r.locator('.td').allInnerTexts()).map((c) => c.trim());
            if (cells[0] === '1' || cells[0] === '#1') return cells;
          }
          return undefined;
        },
        { timeoutMs: 15_000, intervalMs: 500 },
      );
      log(`table row of trial 1: ${JSON.stringify(stepCell.slice(0, 6))}`);
      const tableStep = Number(stepCell[4]);
      assert.ok(
        tableStep > stepAtCrash && tableStep <= journalSteps(workspace, 1).length,
        `the table's step of trial 1 (${stepCell[4]}) is past the crash (${stepAtCrash}) and in the journal`,
      );
      await sleep(300);
      await wb.screenshot('3-after-restart');

      // stop the sweep: the runner exits, nothing is left running
      const c = await stopSweepAndCheck(wb, workspace, runnerPid, tag);
      await sleep(1000);
      await wb.screenshot('4-sweep-stopped');
      log(`done: ${JSON.stringify(c)}`);
      failed = false;
    } finally {
      await s?.close({ failed });
    }
    assert.deepEqual(taggedPids(s!.tag), [], 'no process of this session is left');
  });
});

after(() => {
  removeVsix();
  setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
});
