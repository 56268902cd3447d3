/** Definition sites of hyperparameters, as every language's scanner reports them. */

export type SiteKind = 'argparse' | 'dict' | 'assign' | 'object' | 'yaml' | 'json' | 'click' | 'function-default';

export interface ParamSite {
  /** The sweep parameter name it defines (e.g. "lr", "batch_size", "optimizer.lr"). */
  name: string;
  kind: SiteKind;
  /** 0-based line of the definition (for a code lens). */
  line: number;
  /** 0-based column of the definition start. */
  col: number;
  /** Offsets into text of the default value literal. */
  valueStart: number;
  valueEnd: number;
  valueText: string;
  /** The option's help string literal (argparse/click), which may say "(default: X)". */
  help?: { start: number; end: number; text: string };
}

/** Which site of a name promote edits first (lower wins). */
export const KIND_RANK: Record<SiteKind, number> = {
  argparse: 0,
  click: 0,
  dict: 1,
  object: 1,
  yaml: 1,
  json: 1,
  'function-default': 2,
  assign: 3,
};

/** A site before names are matched: `path` is the key path as written. */
export interface RawSite {
  path: string[];
  kind: SiteKind;
  defStart: number;
  valueStart: number;
  valueEnd: number;
  /** Offsets of the option's help string literal (argparse/click). */
  help?: { start: number; end: number };
}

/** W&B config-defaults wrap a value (`dropout: {desc: ..., value: 0.1}`): these keys hold it. */
export const WRAPPER_KEYS = new Set(['value', 'default']);
