/**
 * W&B keys that choose what runs on W&B's servers: `controller`, `scheduler` (W&B Launch) and
 * `method: custom`. They are validated with W&B's own rules (schema.json and cfg.py of
 * wandb/sweeps), so a file W&B refuses is refused here too; beyond that, Knobs runs offline:
 *  - `controller: {type: local | cloud}` and `scheduler: {engine: wandb}` alone have no meaning
 *    offline and are ignored with a note;
 *  - `scheduler.source`, `optimizer` and `search_space` name custom scheduler code that W&B
 *    Launch runs (`search_space` may even replace `parameters`): ignoring them would change
 *    what runs, so they are errors;
 *  - `method: custom` hands the search to such a scheduler: an error, unless it comes with W&B's
 *    multi-objective `metrics:` (metrics.ts), which is not supported yet.
 */
import { METHODS } from './keys';
import type { MetricsKey } from './metrics';
import { checkKeys, entry, type Reporter, readEnum, readString, requireMap } from './reporter';
import { listChoices } from './suggest';
import type { MapEntry, MapNode } from './yamlTree';

const CONTROLLER_TYPES = ['local', 'cloud'] as const;
const ENGINES = ['optuna', 'ax', 'wandb'] as const;
/** The engines W&B has implemented, and the methods each one runs (cfg.py). */
const SUPPORTED_ENGINES: Record<string, readonly string[]> = { wandb: ['grid', 'bayes', 'random'] };
const SCHEDULER_CODE_KEYS = ['source', 'optimizer', 'search_space'] as const;

/** `controller`: a map whose `type` is local or cloud (W&B's schema); ignored offline. */
export function checkController(r: Reporter, e: MapEntry): 'local' | 'cloud' | undefined {
  const map = requireMap(r, e.value, 'controller', '`controller: {type: cloud}`');
  if (!map) return undefined;
  const typeE = entry(map, 'type');
  if (!typeE) {
    r.error(
      map.loc,
      'missing-key',
      '`controller` needs a `type`',
      'add `type: local` or `type: cloud` (or remove `controller`: it has no meaning offline)',
    );
    return undefined;
  }
  const type = readEnum(r, typeE.value, 'controller.type', CONTROLLER_TYPES);
  if (type) r.info(e.keyLoc, 'ignored-key', `\`controller\` (W&B's controller, type ${type}) has no meaning offline; Knobs ignores it`);
  return type;
}

export interface SchedulerContext {
  /** The method as written (`custom` included). */
  method?: string;
  /** `controller.type`, when valid. */
  controller?: string;
  earlyTerminate?: MapEntry;
}

/** `scheduler`: W&B's schema and cfg.py rules, then Knobs' offline rule. */
export function checkScheduler(r: Reporter, e: MapEntry, ctx: SchedulerContext): void {
  const map = requireMap(r, e.value, 'scheduler', '`scheduler: {engine: wandb}`');
  if (!map) return;
  const before = r.errorCount;
  const known = checkKeys(r, map, ['engine', ...SCHEDULER_CODE_KEYS], '`scheduler`');
  const get = (k: string) => known.find((x) => x.key === k);
  const engineE = get('engine');
  const engine = engineE ? readEnum(r, engineE.value, 'scheduler.engine', ENGINES) : undefined;
  if (!engineE)
    r.error(
      map.loc,
      'missing-key',
      '`scheduler` needs an `engine`',
      'add `engine: wandb` (or remove `scheduler`: it has no meaning offline)',
    );
  for (const k of SCHEDULER_CODE_KEYS) {
    const x = get(k);
    if (x) readString(r, x.value, `scheduler.${k}`, 'a name');
  }
  if (ctx.controller === 'local') {
    r.error(
      e.keyLoc,
      'scheduler-conflict',
      '`controller: {type: local}` cannot be used together with `scheduler`',
      'remove `controller` (or `scheduler`): W&B refuses the two together',
    );
  }
  if (ctx.earlyTerminate) {
    r.error(
      ctx.earlyTerminate.keyLoc,
      'scheduler-conflict',
      '`early_terminate` cannot be used together with `scheduler`: W&B leaves early termination to the custom scheduler',
      "remove `scheduler` (Knobs runs W&B's own engine) to keep `early_terminate`",
    );
  }
  if (engine && !(engine in SUPPORTED_ENGINES)) {
    r.error(
      engineE!.value.loc,
      'unsupported-engine',
      `\`scheduler.engine: ${engine}\` is not supported: W&B implements only ${listChoices(Object.keys(SUPPORTED_ENGINES))} so far`,
      'write `engine: wandb`, or remove `scheduler`',
    );
  } else if (engine && ctx.method === 'custom') {
    r.error(
      engineE!.value.loc,
      'scheduler-conflict',
      `\`scheduler.engine: ${engine}\` does not support \`method: custom\`; it runs ${listChoices(SUPPORTED_ENGINES[engine])}`,
      'pick one of those methods',
    );
  }
  const code = SCHEDULER_CODE_KEYS.map((k) => get(k)).filter((x): x is MapEntry => x !== undefined);
  if (code.length > 0) {
    const names = code.map((x) => `\`scheduler.${x.key}\``).join(', ');
    const extra = get('search_space') ? ' (`search_space` would replace `parameters`, so ignoring it would change what runs)' : '';
    const keys = code.map((x) => `\`${x.key}\``);
    const them = keys.length === 1 ? keys[0] : `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]}`;
    r.error(
      code[0].keyLoc,
      'custom-scheduler',
      `${names} name${code.length === 1 ? 's' : ''} custom scheduler code that W&B Launch runs; Knobs cannot run it offline${extra}`,
      `remove ${them}: Knobs then searches \`parameters\` with \`method\` (${listChoices(METHODS)}); or run this sweep on W&B`,
    );
  }
  if (r.errorCount === before) {
    r.info(
      e.keyLoc,
      'ignored-key',
      "`scheduler: {engine: wandb}` selects W&B's own engine, which Knobs runs; it has no other meaning offline and is ignored",
    );
  }
}

/**
 * `method: custom`: with W&B's multi-objective `metrics` (`read`: what metrics.ts made of them),
 * not supported yet; without them, it needs a custom scheduler on W&B's servers.
 */
export function refuseCustomMethod(r: Reporter, methodE: MapEntry, metricsE: MapEntry | undefined, read: MetricsKey): void {
  if (metricsE && !read) return; // invalid `metrics`: already reported
  if (read?.kind === 'objectives') {
    const first = read.objectives[0];
    r.error(
      methodE.value.loc,
      'multi-objective-unsupported',
      `multi-objective sweeps (\`method: custom\` with ${read.objectives.length} \`metrics\`) are not supported yet`,
      `optimise one of them: \`metric: {name: ${first.name}, goal: ${first.goal}}\` with a method that runs (${listChoices(METHODS)}), and list the others under \`extra_metrics:\` to record them`,
    );
  } else {
    r.error(
      methodE.value.loc,
      'custom-method',
      "`method: custom` hands the search to a custom scheduler on W&B's servers (W&B Launch); Knobs runs offline",
      `use one of the methods that run: ${listChoices(METHODS)}`,
    );
  }
}

/** Whether `scheduler` sets a non-empty `search_space` (then W&B does not require `parameters`). */
export function schedulerSearchSpace(scheduler: MapEntry | undefined): boolean {
  const map: MapNode | undefined = scheduler?.value.kind === 'map' ? scheduler.value : undefined;
  const ss = map ? entry(map, 'search_space')?.value : undefined;
  return ss !== undefined && ss.kind === 'scalar' && typeof ss.value === 'string' && ss.value !== '';
}
