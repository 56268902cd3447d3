/**
 * `knobs`: the headless CLI. Commands: run, resume, status, best, promote, stop, export, list,
 * validate, evaluate, lr-find, importance.
 * Errors are KnobsErrors printed as "file:line:col: message / fix: hint" with exit code 1
 * (2 for usage errors).
 */
import { isKnobsError, KnobsError } from '../core/errors';
import { closest } from '../core/space/suggest';
import { KNOBS_VERSION } from '../core/version';
import { type FlagSpec, formatHelp, type ParsedArgs, parseArgs } from './args';
import { cmdEvaluate, cmdImportance, cmdLrFind, EVALUATE_FLAGS, IMPORTANCE_FLAGS, LR_FIND_FLAGS } from './commands/insight';
import {
  BEST_FLAGS,
  cmdBest,
  cmdExport,
  cmdList,
  cmdStatus,
  cmdStop,
  cmdValidate,
  EXPORT_FLAGS,
  LIST_FLAGS,
  STATUS_FLAGS,
  STOP_FLAGS,
  VALIDATE_FLAGS,
} from './commands/inspect';
import { cmdPromote, PROMOTE_FLAGS } from './commands/promote';
import { cmdResume, cmdRun, cmdRunner, RESUME_FLAGS, RUN_FLAGS } from './commands/run';
import { type CliIO, EXIT } from './context';

interface Command {
  usage: string;
  description: string;
  flags: Record<string, FlagSpec>;
  run(a: ParsedArgs, io: CliIO): number | Promise<number>;
  hidden?: boolean;
}

const COMMANDS: Record<string, Command> = {
  run: {
    usage: 'knobs run <sweep.yaml> [options]',
    description: 'Start a sweep and watch it (Ctrl-C interrupts; `knobs resume` continues).',
    flags: RUN_FLAGS,
    run: cmdRun,
  },
  resume: {
    usage: 'knobs resume [sweep] [options]',
    description: 'Continue an interrupted sweep: reruns interrupted trials first, never reruns completed ones.',
    flags: RESUME_FLAGS,
    run: cmdResume,
  },
  status: {
    usage: 'knobs status [sweep] [--json]',
    description: 'Show a sweep: runner, counts, trials (best first), best config.',
    flags: STATUS_FLAGS,
    run: cmdStatus,
  },
  best: { usage: 'knobs best [sweep] [--json]', description: 'Print the best trial and its config.', flags: BEST_FLAGS, run: cmdBest },
  promote: {
    usage: 'knobs promote [sweep] [--trial N] [--dry-run]',
    description: 'Write the best trial’s config (or trial N’s) into the script’s defaults; prints the diff.',
    flags: PROMOTE_FLAGS,
    run: cmdPromote,
  },
  stop: {
    usage: 'knobs stop [sweep] [--trial N]',
    description: 'Ask the running sweep to stop (or to stop one trial).',
    flags: STOP_FLAGS,
    run: cmdStop,
  },
  export: { usage: 'knobs export [sweep] --csv|--json [-o FILE]', description: 'Export every trial.', flags: EXPORT_FLAGS, run: cmdExport },
  list: { usage: 'knobs list [--json]', description: 'List the sweeps under .knobs/.', flags: LIST_FLAGS, run: cmdList },
  validate: {
    usage: 'knobs validate <sweep.yaml>',
    description: 'Check a sweep file and print its diagnostics.',
    flags: VALIDATE_FLAGS,
    run: cmdValidate,
  },
  'lr-find': {
    usage: 'knobs lr-find <sweep.yaml|script> [--min 1e-7] [--max 10] [--steps 100] [--write] [--json]',
    description: 'LR range test: one run with an exponential lr ramp; suggests max_lr/base_lr and a sweep range.',
    flags: LR_FIND_FLAGS,
    run: cmdLrFind,
  },
  importance: {
    usage: 'knobs importance [sweep] [--method fanova|ped-anova] [--json]',
    description: 'Which parameters matter: importance (fANOVA-style) and correlation with the metric.',
    flags: IMPORTANCE_FLAGS,
    run: cmdImportance,
  },
  evaluate: {
    usage: 'knobs evaluate [sweep] [--trial N] [--json]',
    description: 'Run the sweep file’s `evaluate:` on the best trial (held-out test data); stores its test metrics.',
    flags: EVALUATE_FLAGS,
    run: cmdEvaluate,
  },
  _runner: {
    usage: 'knobs _runner <sweepDir>',
    description: 'internal: the detached runner',
    flags: RUN_FLAGS,
    run: cmdRunner,
    hidden: true,
  },
};

function mainHelp(): string {
  const rows = Object.entries(COMMANDS)
    .filter(([, c]) => !c.hidden)
    .map(([name, c]) => `  ${name.padEnd(12)}${c.description}`);
  return `knobs ${KNOBS_VERSION} — hyperparameter sweeps from W&B-style sweep files, offline\n\nusage: knobs <command> [options]\n\n${rows.join('\n')}\n\n<sweep> is a sweep id or folder; it defaults to the latest sweep under ./.knobs\nRun \`knobs <command> --help\` for options.\n`;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out.write(mainHelp());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.out.write(`${KNOBS_VERSION}\n`);
    return EXIT.ok;
  }
  const cmd = COMMANDS[name];
  try {
    if (!cmd) {
      const guess = closest(
        name,
        Object.keys(COMMANDS).filter((k) => !k.startsWith('_')),
      );
      throw new KnobsError('E_USAGE', `unknown command \`${name}\``, {
        hint: guess ? `did you mean \`knobs ${guess}\`?` : 'run `knobs --help`',
      });
    }
    const a = parseArgs(rest, cmd.flags, name);
    if (a.flags.help) {
      io.out.write(formatHelp(cmd.usage, cmd.description, cmd.flags));
      return EXIT.ok;
    }
    return await cmd.run(a, io);
  } catch (e) {
    if (isKnobsError(e)) {
      io.err.write(`knobs: error: ${e.format()}\n`);
      return e.code === 'E_USAGE' ? EXIT.usage : EXIT.error;
    }
    io.err.write(`knobs: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.error;
  }
}

/** Entry point for bin/knobs.js and `node dist/cli.js`. */
export function cliMain(): void {
  main(process.argv.slice(2), { out: process.stdout, err: process.stderr, cwd: process.cwd(), env: process.env }).then(
    (code) => {
      process.exitCode = code;
      // a detached child or a lingering timer must not keep us alive
      setImmediate(() => process.exit(code));
    },
    (e) => {
      process.stderr.write(`knobs: internal error: ${(e as Error)?.stack ?? e}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) cliMain();
