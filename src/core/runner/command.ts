/**
 * Expands a sweep's `command` into the argv of one trial, as W&B's agent does
 * (wandb_agent.py, sweep command macros):
 *
 *   ${env}                   /usr/bin/env (dropped on Windows)
 *   ${interpreter}           the resolved interpreter (see interpreter.ts)
 *   ${program}               the sweep's `program`
 *   ${args}                  --name=value per top-level config key, value by Python str()
 *   ${args_no_hyphens}       name=value
 *   ${args_no_boolean_flags} --name for True, nothing for False, --name=value otherwise
 *   ${args_json}             one element: json.dumps(config)
 *   ${args_json_file}        the path of a file holding json.dumps(config) (caller writes it)
 *   ${envvar:NAME}           the value of environment variable NAME
 *
 * Matching rules (as W&B): a macro is expanded only when it is a whole argv element, e.g.
 * "${args}"; the list macros may expand to several elements or none. Text like
 * "--cfg=${args_json_file}" is passed through literally, as W&B does. The one exception is
 * `${envvar:NAME}`, which W&B (and Knobs) substitute anywhere inside an element.
 * Where Knobs is stricter than W&B: an unknown whole-element macro (W&B silently drops it) and
 * an unset `${envvar:NAME}` (W&B leaves the name) are errors, since both are almost always typos.
 *
 * Nested parameters: a top-level key whose value is a dict is formatted as Python's str() of
 * the dict (`--optimizer={'lr': 0.01, 'name': 'adam'}`), as W&B does.
 */
import { KnobsError } from '../errors';
import type { Config, FlatParams, ParamSpec, Space, Value } from '../space/types';
import { isFloatValue, type PyFormatOptions, pyJsonDumps, pyStr } from './pyFormat';

export const MACROS = [
  'env',
  'interpreter',
  'program',
  'args',
  'args_no_hyphens',
  'args_no_boolean_flags',
  'args_json',
  'args_json_file',
  'envvar:NAME',
] as const;

/** W&B's default command. */
export function defaultCommand(): string[] {
  return ['${env}', '${interpreter}', '${program}', '${args}'];
}

export interface BuildArgvOptions {
  /** The sweep's `command`; empty or missing → defaultCommand(). */
  command?: readonly string[];
  program?: string;
  interpreter: string;
  space: Space;
  /** Leaf values by dotted name; used to build `config` when it is not given. */
  flat: FlatParams;
  /** The nested config the script sees; defaults to nestConfig(space, flat). */
  config?: Config;
  /** Path substituted for ${args_json_file}; write formatArgsJsonFile(config) there. */
  argsJsonFile: string;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The sweep file, named in errors. */
  sweepFile?: string;
}

/** Builds the nested config from leaf values, following each param's `path`. */
export function nestConfig(space: Space, flat: FlatParams): Config {
  const config: Config = {};
  const byName = new Map(space.params.map((p) => [p.name, p] as const));
  for (const [name, value] of Object.entries(flat)) {
    const path = byName.get(name)?.path ?? [name];
    let node: Config = config;
    for (let i = 0; i < path.length - 1; i++) {
      const next = node[path[i]];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[path[i]] = {};
      node = node[path[i]] as Config;
    }
    node[path[path.length - 1]] = value;
  }
  return config;
}

function pathKey(path: readonly (string | number)[]): string {
  return path.join('\u0000');
}

/** Format options for the value under top-level key `key`, with int/float taken from the space. */
function formatOptionsFor(specs: Map<string, ParamSpec>, key: string, value: Value): PyFormatOptions {
  const top = specs.get(pathKey([key]));
  return {
    float: top ? isFloatValue(top, value) : undefined,
    floatAt: (path, n) => {
      const spec = specs.get(pathKey([key, ...path]));
      return spec ? isFloatValue(spec, n) : undefined;
    },
  };
}

function specsByPath(space: Space | undefined): Map<string, ParamSpec> {
  return new Map((space?.params ?? []).map((p) => [pathKey(p.path), p] as const));
}

/** Python's str() of each top-level config value, int/float decided by the space. */
export function formatConfigValues(config: Config, space?: Space): { name: string; value: Value; text: string }[] {
  const specs = specsByPath(space);
  return Object.keys(config).map((name) => {
    const value = config[name];
    return { name, value, text: pyStr(value, formatOptionsFor(specs, name, value)) };
  });
}

/** `json.dumps(config)` as Python writes it (", " and ": " separators, floats keep ".0"). */
export function formatArgsJson(config: Config, space?: Space): string {
  const specs = specsByPath(space);
  return pyJsonDumps(config, {
    floatAt: (path, n) => {
      const spec = specs.get(pathKey(path));
      return spec ? isFloatValue(spec, n) : undefined;
    },
  });
}

/** The contents of the ${args_json_file} file (the same text as ${args_json}). */
export function formatArgsJsonFile(config: Config, space?: Space): string {
  return formatArgsJson(config, space);
}

const WHOLE_MACRO = /^\$\{([^}]*)\}$/;
const ENVVAR = /\$\{envvar:([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function envValue(name: string, env: NodeJS.ProcessEnv, element: string, file?: string): string {
  if (!ENV_NAME.test(name)) {
    throw new KnobsError('E_SWEEP_PARSE', `\`${element}\` in \`command\` names "${name}", which is not an environment variable name`, {
      hint: 'write ${envvar:NAME} with NAME made of letters, digits and _ (e.g. ${envvar:DATA_DIR})',
      location: file ? { file } : undefined,
    });
  }
  const value = env[name];
  if (value === undefined) {
    throw new KnobsError('E_SPAWN', `\`${element}\` in \`command\` needs the environment variable ${name}, which is not set`, {
      hint: `set it before starting the sweep (export ${name}=... on Linux/macOS, $env:${name}="..." in PowerShell), or remove ${`\${envvar:${name}}`} from \`command\``,
      location: file ? { file } : undefined,
    });
  }
  return value;
}

/** The argv of one trial. Throws KnobsError for an unknown macro, a missing program or env var. */
export function buildArgv(opts: BuildArgvOptions): string[] {
  const command = opts.command && opts.command.length > 0 ? opts.command : defaultCommand();
  const config = opts.config ?? nestConfig(opts.space, opts.flat);
  const platform = opts.platform ?? process.platform;
  const where = opts.sweepFile ? { file: opts.sweepFile } : undefined;
  let formatted: ReturnType<typeof formatConfigValues> | undefined;
  const values = () => (formatted ??= formatConfigValues(config, opts.space));

  const argv: string[] = [];
  for (const raw of command) {
    const element = String(raw);
    const m = WHOLE_MACRO.exec(element);
    if (!m) {
      argv.push(element.replace(ENVVAR, (_all, name: string) => envValue(name, opts.env, element, opts.sweepFile)));
      continue;
    }
    const macro = m[1];
    if (macro.startsWith('envvar:')) {
      argv.push(envValue(macro.slice('envvar:'.length), opts.env, element, opts.sweepFile));
      continue;
    }
    switch (macro) {
      case 'env':
        if (platform !== 'win32') argv.push('/usr/bin/env');
        break;
      case 'interpreter':
        argv.push(opts.interpreter);
        break;
      case 'program':
        if (!opts.program) {
          throw new KnobsError('E_SWEEP_PARSE', '`command` uses ${program} but the sweep file has no `program`', {
            hint: 'add `program: train.py` (the script to run) or remove ${program} from `command`',
            location: where,
          });
        }
        argv.push(opts.program);
        break;
      case 'args':
        for (const v of values()) argv.push(`--${v.name}=${v.text}`);
        break;
      case 'args_no_hyphens':
        for (const v of values()) argv.push(`${v.name}=${v.text}`);
        break;
      case 'args_no_boolean_flags':
        for (const v of values()) {
          if (v.value === true) argv.push(`--${v.name}`);
          else if (v.value !== false) argv.push(`--${v.name}=${v.text}`);
        }
        break;
      case 'args_json':
        argv.push(formatArgsJson(config, opts.space));
        break;
      case 'args_json_file':
        argv.push(opts.argsJsonFile);
        break;
      default:
        throw new KnobsError('E_SWEEP_PARSE', `\`command\` has the unknown macro \`${element}\``, {
          hint: `valid macros: ${MACROS.map((x) => `\${${x}}`).join(', ')}`,
          location: where,
        });
    }
  }
  return argv;
}
