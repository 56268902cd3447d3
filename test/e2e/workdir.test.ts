/**
 * The Run code lens follows the working-folder rule from the workspace folder: a repository with
 * `configs/sweep.yaml` saying `program: main.py` and `main.py` at its root (a common real layout)
 * runs main.py at the root, and the sweep's `.knobs/` is at the root. Real code-server (see
 * /work/shared/E2E.md); skipped with the reason without the toolchain, failing under KNOBS_REQUIRE_ALL=1.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, it } from 'node:test';
import { waitFor } from './support/processes';
import { type Session, startSession } from './support/session';
import { stepper } from './support/steps';
import { theSweep } from './support/sweep';
import { assertToolchain, ROOT, skipReason } from './support/toolchain';
import { removeVsix } from './support/vsix';

it('▶ Run sweep on configs/sweep.yaml runs main.py at the workspace root', { skip: skipReason(), timeout: 180_000 }, async () => {
  const tc = assertToolchain();
  const log = stepper('workdir');
  let s: Session | undefined;
  let failed = true;
  try {
    s = await startSession({
      tc,
      name: 'workdir',
      trusted: true,
      prepareWorkspace: (d) => {
        fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'scripts', 'args_echo.py'), path.join(d, 'main.py'));
        fs.mkdirSync(path.join(d, 'configs'));
        fs.writeFileSync(
          path.join(d, 'configs', 'sweep.yaml'),
          'program: main.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [0.5, 0.25]}\n',
        );
      },
    });
    const { wb, workspace } = s;
    log(`workbench ready ${JSON.stringify(s.timings)}`);
    await wb.openFile('configs/sweep.yaml');
    const lens = wb.codeLens(/Run sweep/);
    await lens.waitFor({ state: 'visible', timeout: 45_000 });
    await lens.click();
    const done = await waitFor(
      'the sweep to finish at the workspace root',
      () => {
        const sw = theSweep(workspace);
        return sw?.state.finished ? sw : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await wb.screenshot('1-finished');
    assert.equal(fs.existsSync(path.join(workspace, 'configs', '.knobs')), false, 'nothing beside the sweep file');
    const real = fs.realpathSync(workspace);
    assert.equal(done.state.created?.provenance.cwd, real);
    for (const t of done.state.trials) {
      assert.equal(t.status, 'completed', `trial ${t.id}: ${t.reason ?? ''}`);
      const echo = JSON.parse(fs.readFileSync(path.join(done.paths.dir, 'trials', String(t.id).padStart(4, '0'), 'echo.json'), 'utf8'));
      assert.equal(fs.realpathSync(echo.cwd), real, `trial ${t.id} ran at the workspace root`);
    }
    log(`${done.state.trials.length} trials ran in ${real}`);
    failed = false;
  } finally {
    await s?.close({ failed });
  }
});

after(() => {
  removeVsix();
  setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
});
