/**
 * `npm run reliability`: the full fault-injection suite with its figures.
 *   node out/test/reliability/run.js [--crashes 50] [--files 1000] [--seed 1]
 */
import { crashSuite, formatCrashReport } from './crashSuite';
import { formatFuzzReport, fuzzSweepFiles } from './fuzzSweeps';

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<number> {
  const crashes = flag('crashes', 50);
  const files = flag('files', 1000);
  const seed = flag('seed', 1);
  const t0 = Date.now();
  const fuzz = fuzzSweepFiles({ count: files, seed, hangMs: 10_000 });
  console.log(formatFuzzReport(fuzz));
  for (const f of fuzz.failures.slice(0, 20)) console.log(`  ${f}`);
  const crash = await crashSuite({ crashes, seed, log: (s) => process.stderr.write(`${s}\n`) });
  console.log(formatCrashReport(crash));
  for (const f of crash.failures.slice(0, 20)) console.log(`  ${f}`);
  console.log(`reliability suite: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return fuzz.failures.length + crash.failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
