/**
 * Budget parameters: how long a trial trains (epochs, steps, iterations), not what it learns.
 * A sweep often shortens them to search faster, so the value a trial ran with is no default to
 * keep: Promote leaves them out unless asked, and a new sweep file fixes them. One rule for
 * every feature that must tell them apart.
 *
 *   isBudgetParam('epochs')              → true
 *   isBudgetParam('trainer.max_steps')   → true (the last key of a dotted name counts)
 *   isBudgetParam('--num-train-epochs')  → true (flag spellings and camelCase too)
 *   isBudgetParam('lr')                  → false
 */

const BUDGET = /^(?:(?:num|n|max|min|total|train|training|num_train)_)?(?:epochs?|steps|iters?|iterations|updates|timesteps|train_steps)$/;

export function isBudgetParam(name: string): boolean {
  const last = name.split('.').pop() ?? name;
  const norm = last
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
  return BUDGET.test(norm);
}
