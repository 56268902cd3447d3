/** A small, strict argv parser: `--flag`, `--key value`, `--key=value`, positionals. */
import { KnobsError } from '../core/errors';
import { closest } from '../core/space/suggest';

export interface FlagSpec {
  /** true: takes a value */
  value: boolean;
  help: string;
  /** value placeholder for help */
  arg?: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>, command: string): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.replace(/^--?/, '').slice(0, eq === -1 ? undefined : eq - (a.startsWith('--') ? 2 : 1));
    const s = spec[name];
    if (!s) {
      const guess = closest(name, Object.keys(spec));
      throw new KnobsError('E_USAGE', `unknown option \`${a}\` for \`knobs ${command}\``, {
        hint: guess ? `did you mean \`--${guess}\`? (see \`knobs ${command} --help\`)` : `see \`knobs ${command} --help\``,
      });
    }
    if (!s.value) {
      if (eq !== -1) throw new KnobsError('E_USAGE', `option --${name} takes no value`, { hint: `write just \`--${name}\`` });
      flags[name] = true;
      continue;
    }
    let v: string | undefined;
    if (eq !== -1) v = a.slice(eq + 1);
    else if (i + 1 < argv.length) v = argv[++i];
    if (v === undefined)
      throw new KnobsError('E_USAGE', `option --${name} needs a value`, { hint: `e.g. \`--${name} ${s.arg ?? 'VALUE'}\`` });
    flags[name] = v;
  }
  return { positionals, flags };
}

export function intFlag(flags: ParsedArgs['flags'], name: string, min: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < min) {
    throw new KnobsError('E_USAGE', `--${name} is ${v === true ? 'empty' : `\`${v}\``} but must be an integer ≥ ${min}`, {
      hint: `e.g. --${name} ${Math.max(min, 2)}`,
    });
  }
  return n;
}

export function strFlag(flags: ParsedArgs['flags'], name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function formatHelp(usage: string, description: string, spec: Record<string, FlagSpec>): string {
  const rows = Object.entries(spec).map(([k, s]) => [`  --${k}${s.value ? ` ${s.arg ?? 'VALUE'}` : ''}`, s.help]);
  const w = Math.max(...rows.map((r) => r[0].length), 10) + 2;
  return `usage: ${usage}\n\n${description}\n\noptions:\n${rows.map(([a, b]) => a.padEnd(w) + b).join('\n')}\n`;
}
