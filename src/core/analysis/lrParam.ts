/**
 * The sweep file's learning-rate parameter, as the lr range test uses it: which parameter it is
 * (`findLrParam`) and the file's text with that parameter's min/max replaced (`rewriteLrRange`).
 * Shared by `knobs lr-find --write` and the lr-finder panel's "Use these bounds".
 */
import { KnobsError } from '../errors';
import type { NumericParam, ParamSpec, SweepSpec } from '../space/types';

/** The sweep file's lr parameter: `name` when given, else the first named lr / learning_rate (leaf name), else one ending in lr. */
export function findLrParam(spec: SweepSpec, name?: string): NumericParam {
  const numeric = spec.space.params.filter((p): p is NumericParam => p.kind === 'numeric');
  let p: ParamSpec | undefined;
  if (name) {
    p = spec.space.params.find((x) => x.name === name);
    if (!p)
      throw new KnobsError('E_USAGE', `the sweep file has no parameter \`${name}\``, {
        hint: `its parameters: ${spec.space.params.map((x) => x.name).join(', ')}`,
        location: spec.file ? { file: spec.file } : undefined,
      });
  } else {
    const leaf = (x: ParamSpec) => x.path[x.path.length - 1].toLowerCase();
    p =
      spec.space.params.find((x) => ['lr', 'learning_rate', 'learning-rate', 'learningrate'].includes(leaf(x))) ??
      numeric.find((x) => /(^|_)lr$|learning_?rate/.test(leaf(x)));
    if (!p)
      throw new KnobsError('E_USAGE', 'the sweep file has no parameter named lr or learning_rate', {
        hint: 'name it with --param NAME',
        location: spec.file ? { file: spec.file } : undefined,
      });
  }
  if (p.kind !== 'numeric')
    throw new KnobsError('E_USAGE', `parameter \`${p.name}\` is ${p.kind}, not a numeric range`, {
      hint: 'give it `distribution: log_uniform_values` with min and max, or paste the printed block',
      location: spec.file ? { file: spec.file, line: p.loc?.line, col: p.loc?.col } : undefined,
    });
  return p;
}

const VALUE_RANGE_DISTRIBUTIONS = ['uniform', 'log_uniform_values', 'q_uniform', 'q_log_uniform_values'];

/**
 * The sweep file's text with the lr parameter's `min:` and `max:` values replaced (found by the
 * spec's locs); every other byte is kept. Throws KnobsError when the block has no min/max in values.
 */
export function rewriteLrRange(spec: SweepSpec, param: NumericParam, range: { min: number; max: number }): string {
  const where = spec.file ? { file: spec.file, line: param.loc?.line, col: param.loc?.col } : undefined;
  if (!VALUE_RANGE_DISTRIBUTIONS.includes(param.distribution)) {
    throw new KnobsError(
      'E_USAGE',
      `parameter \`${param.name}\` has distribution ${param.distribution}, whose min/max are not learning rates`,
      {
        hint: `set \`distribution: log_uniform_values\` (then min/max are lrs) and run again, or paste the printed block by hand`,
        location: where,
      },
    );
  }
  const key = `parameters.${param.path.join('.parameters.')}`;
  const text = spec.text;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const edits: { start: number; end: number; value: string }[] = [];
  for (const [k, v] of [
    ['min', range.min],
    ['max', range.max],
  ] as const) {
    const loc = spec.locs[`${key}.${k}`];
    if (!loc || loc.endLine === undefined || loc.endCol === undefined) {
      throw new KnobsError('E_USAGE', `parameter \`${param.name}\` has no \`${k}:\` line to rewrite`, {
        hint: 'write it as a block with `min:` and `max:` lines, or paste the printed block',
        location: where,
      });
    }
    const start = lineStarts[loc.line - 1] + loc.col - 1;
    const end = lineStarts[loc.endLine - 1] + loc.endCol - 1;
    const m = /^(\w+\s*:\s*)([\s\S]*)$/.exec(text.slice(start, end));
    if (!m || m[2].includes('\n'))
      throw new KnobsError('E_USAGE', `parameter \`${param.name}\`: \`${k}\` is not written as \`${k}: value\` on one line`, {
        hint: 'paste the printed block by hand',
        location: where,
      });
    edits.push({ start: start + m[1].length, end, value: String(v) });
  }
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.value + out.slice(e.end);
  return out;
}
