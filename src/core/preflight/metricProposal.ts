/**
 * The metric a new sweep file proposes, from what the script prints or logs (scriptMetrics.ts):
 * a validation value before a test one, before an unlabelled one, before a training one; a loss
 * before other errors, before an accuracy. Printed as `name value` (no `:`), only a metric_regex
 * reads it. When the chosen name is printed in several places (the train loop's `Loss:` and
 * `Test set: Average loss:`), free text would read both, so the proposal is a `metric_regex`
 * that captures the validation print only, under a name saying so (`test_loss`).
 */
import type { MetricUse, ScriptMetrics } from './scriptMetrics';

export interface MetricProposal {
  name: string;
  /** A metric_regex with one named group, `name`, when free text alone would mix prints. */
  regex?: string;
  /** Why, for a comment in the sweep file. */
  note: string;
  /** A name as printed that free text alone reads from the chosen print only (names are case-sensitive). */
  plain?: string;
  /** The print or call chosen. */
  from: MetricUse;
}

const METRIC_WORDS = /loss|acc|err|score|f1|auc|ppl|perplexity|bleu|rouge|iou|dice|mse|mae|rmse|reward|return|precision|recall|nll|map/i;
const LOSS_WORDS = /loss|err|mse|mae|rmse|nll|ppl|perplexity/i;
const NUMBER = '[-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|nan|inf)';

/** A validation print (tuning on the test set overfits it) before a test one, before an unlabelled one, before a training one; then a loss. */
function rank(u: MetricUse): number {
  const phase = u.phase === 'val' ? (/val|dev|eval/i.test(u.label ?? u.name) ? 3 : 2) : u.phase === undefined ? 1 : 0;
  return phase * 3 + (/loss/i.test(u.name) ? 2 : LOSS_WORDS.test(u.name) ? 1 : 0);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The name a validation print's value gets: `loss` in "Test set: Average loss" → `test_loss`. */
function phaseName(u: MetricUse): string {
  const base = u.name.toLowerCase().replace(/[^\w]+/g, '_');
  if (u.phase !== 'val') return u.phase === 'train' && !/^train/.test(base) ? `train_${base}` : base;
  const prefix = /test/i.test(u.label ?? '') ? 'test' : 'val';
  return /^(?:val|test|valid|eval)/.test(base) ? base : `${prefix}_${base}`;
}

export function proposeMetric(m: ScriptMetrics): MetricProposal | undefined {
  const candidates = m.uses.filter((u) => METRIC_WORDS.test(u.name));
  if (!candidates.length) return undefined;
  // the best rank; among equals the last one printed (the end-of-epoch summary)
  const best = candidates.reduce((a, b) => (rank(b) >= rank(a) ? b : a));
  if (best.via === 'key')
    return { name: best.name, plain: best.name, from: best, note: `the script reports \`${best.name}\` (line ${best.line})` };
  const same = m.uses.filter((u) => u.name.toLowerCase() === best.name.toLowerCase());
  const labels = new Set(same.map((u) => u.label));
  if (same.every((u) => u.name === best.name && u.via === 'text') && labels.size === 1 && !best.spaced) {
    return { name: best.name, plain: best.name, from: best, note: `the script prints \`${best.name}\` (line ${best.line})` };
  }
  const name = phaseName(best);
  const lines = same.map((u) => u.line).join(', ');
  const where =
    same.length > 1 ? `\`${best.name}\` is printed on lines ${lines}` : `\`${best.name}\` is printed without \`:\` on line ${best.line}`;
  const exact = same.filter((u) => u.name === best.name);
  return {
    name,
    from: best,
    ...(exact.every((u) => u.label === best.label) && !best.spaced && { plain: best.name }),
    regex: `${escapeRegex(best.label ?? best.name)}${best.spaced ? '\\s+' : '\\s*[:=]\\s*'}(?<${name}>${NUMBER})`,
    note: `${where}; metric_regex reads the one on line ${best.line} ("${best.label}") as ${name}`,
  };
}
