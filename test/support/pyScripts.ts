/**
 * Tiny Python trial scripts (run as `python3 -c SCRIPT args…`) shared by the executor contract
 * and the Slurm tests.
 */

/** argv: JSON list of values (numbers or "NaN"/"Infinity"), exit code, optional stderr text. */
export const REPORTS = `
import json, math, sys
vals = json.loads(sys.argv[1])
for i, v in enumerate(vals):
    x = float(v)
    print("@@knobs " + json.dumps({"step": i + 1, "metrics": {"loss": x if math.isfinite(x) else v}}), flush=True)
if len(sys.argv) > 3 and sys.argv[3]:
    sys.stderr.write(sys.argv[3] + "\\n")
sys.exit(int(sys.argv[2]))
`;

/** Reports every `interval` seconds forever (argv[1], default 0.02). */
export const FOREVER = `
import json, sys, time
interval = float(sys.argv[1]) if len(sys.argv) > 1 else 0.02
i = 0
while True:
    i += 1
    print("@@knobs " + json.dumps({"step": i, "metrics": {"loss": 1.0 / i}}), flush=True)
    time.sleep(interval)
`;

/** Ignores SIGTERM, reports once, then sleeps for argv[1] seconds (default 60). */
export const IGNORES_TERM = `
import signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print('@@knobs {"step": 1, "metrics": {"loss": 0.5}}', flush=True)
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 60)
`;
