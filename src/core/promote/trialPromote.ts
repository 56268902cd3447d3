/**
 * Promote of one trial, shared by `knobs promote` and the extension: choose the parameters and
 * values (choose.ts), plan the edits of every one of them (targets.ts), then keep the picked
 * ones: the default choice in the CLI, the user's checkboxes in the extension.
 *
 *   planTrial({sweep, state, trial, choose})  → {choices, plan}     (plan: every choice's value)
 *   changingChoices(t)                        → the choices whose definition would change
 *   pickPlan(t, picked)                       → {plan, written, leftOut}  (plan: picked only)
 */
import type { SweepState, TrialRecord } from '../journal/reducer';
import { type ChooseOptions, choiceValues, type PromoteChoice, promoteChoices } from './choose';
import type { PromoteResult } from './summary';
import { ofChoice, planTrialPromote, restrictPlan, type TrialPromotePlan } from './targets';

export interface TrialPromote {
  choices: PromoteChoice[];
  plan: TrialPromotePlan;
}

export function planTrial(o: {
  sweep: string;
  state: SweepState;
  trial: Pick<TrialRecord, 'id' | 'params'>;
  choose?: ChooseOptions;
  read?: (file: string) => string;
}): TrialPromote {
  const choices = promoteChoices(o.sweep, o.state, o.trial, o.choose);
  const plan = planTrialPromote({ sweep: o.sweep, state: o.state, params: choiceValues(choices), read: o.read });
  return { choices, plan };
}

const edits = (plan: TrialPromotePlan) => plan.files.flatMap((f) => f.edits);

export function changingChoices(t: TrialPromote): PromoteChoice[] {
  const all = edits(t.plan);
  return t.choices.filter((c) => all.some((e) => ofChoice(e.name, c.name)));
}

export function pickPlan(
  t: TrialPromote,
  picked: readonly string[],
): { plan: TrialPromotePlan } & Pick<PromoteResult, 'written' | 'leftOut'> {
  const plan = restrictPlan(t.plan, picked);
  const kept = edits(plan);
  const written = Object.fromEntries(t.choices.filter((c) => kept.some((e) => ofChoice(e.name, c.name))).map((c) => [c.name, c.value]));
  const leftOut = changingChoices(t)
    .filter((c) => !picked.includes(c.name))
    .map((c) => ({ name: c.name, why: c.why ?? ('not picked' as const) }));
  return { plan, written, leftOut };
}

/** The names checked by default. */
export function checkedNames(t: TrialPromote): string[] {
  return t.choices.filter((c) => c.checked).map((c) => c.name);
}
