/**
 * Which of a trial's parameters Promote writes, and as which values. By default: the ones the
 * sweep searched (its space is recorded in the journal), without budget parameters (epochs,
 * steps: a sweep shortens them to search faster), numbers rounded (round.ts). The CLI's
 * `--params a,b` / `--all` / `--include-budget` / `--full-precision` and the extension's
 * checkboxes change the choice; both start from this one.
 */
import { KnobsError } from '../errors';
import type { SweepState, TrialRecord } from '../journal/reducer';
import { isBudgetParam } from '../space/budget';
import { isSearchedParam, spaceKeyParams } from '../space/spaceKey';
import { promotedNumber } from './round';

export type LeftOutReason = 'budget' | 'not searched' | 'not picked';

export interface PromoteChoice {
  name: string;
  /** The value to write (rounded unless full precision was asked for). */
  value: unknown;
  searched: boolean;
  budget: boolean;
  /** Written unless the user unticks it; else why not. */
  checked: boolean;
  why?: LeftOutReason;
}

export interface ChooseOptions {
  /** Exactly these names (`--params a,b`). */
  names?: readonly string[];
  /** Every parameter, constants included (`--all`). */
  all?: boolean;
  /** Budget parameters too (`--include-budget`). */
  includeBudget?: boolean;
  /** The values as the trial ran them, unrounded (`--full-precision`). */
  fullPrecision?: boolean;
}

/** One choice per parameter of the trial, in the trial's order. */
export function promoteChoices(
  sweep: string,
  state: SweepState,
  trial: Pick<TrialRecord, 'id' | 'params'>,
  o: ChooseOptions = {},
): PromoteChoice[] {
  const names = Object.keys(trial.params);
  const unknown = (o.names ?? []).filter((n) => !names.includes(n));
  if (unknown.length) {
    throw new KnobsError('E_USAGE', `trial ${trial.id} of ${sweep} has no parameter ${unknown.join(', ')}`, {
      hint: `name some of its parameters: --params ${names.join(',')}`,
    });
  }
  const specs = new Map(spaceKeyParams(state.created?.spaceKey).map((p) => [p.name, p]));
  return names.map((name) => {
    const spec = specs.get(name);
    // a space that was not recorded: every parameter counts as searched
    const searched = specs.size ? !!spec && isSearchedParam(spec) : true;
    const budget = isBudgetParam(name);
    const raw = trial.params[name];
    const value = o.fullPrecision ? raw : promotedNumber(raw, spec);
    let why: LeftOutReason | undefined;
    if (o.names) why = o.names.includes(name) ? undefined : 'not picked';
    else if (budget && !o.includeBudget) why = 'budget';
    else if (!searched && !o.all) why = 'not searched';
    return { name, value, searched, budget, checked: !why, ...(why ? { why } : {}) };
  });
}

/** The name → value of every choice (checked or not). */
export function choiceValues(choices: readonly PromoteChoice[]): Record<string, unknown> {
  return Object.fromEntries(choices.map((c) => [c.name, c.value]));
}
