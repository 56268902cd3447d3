/**
 * W&B conformance: runs the cases of one of W&B's test files (our fixtures in
 * fixtures/ (config.json, schema.json, validation.json), one per pytest item, with W&B's answers as its tests state them and
 * as W&B's own validator gives them) through Knobs' sweep-file parser.
 *
 *  - `valid`: no error, and the filled values (`param`, `paramNames`, `spec`) are W&B's;
 *  - `invalid`: errors, exactly of the Knobs codes listed, each with a position and a fix;
 *  - `warn`: W&B's violation that its CLI only prints: a Knobs warning, and the file runs;
 *  - `knobs`: a deliberate difference: Knobs' outcome and error codes, and why;
 *  - `notApplicable`: a Python API detail, with why (counted, nothing to run).
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseSweep } from '../../../src/core/space/parse';
import type { SweepSpec } from '../../../src/core/space/types';

interface Input {
  yaml: string[];
  wandb: 'valid' | 'invalid' | 'warn';
  /** false: the text is used as it is (no `program:` added). */
  program?: false;
  codes?: string[];
  param?: Record<string, unknown> & { name: string };
  paramNames?: string[];
  spec?: Record<string, unknown>;
  knobs?: { outcome: 'invalid' | 'unsupported'; codes: string[]; why: string };
}
interface Case {
  test: string;
  note?: string;
  notApplicable?: string;
  inputs?: Input[];
}
interface Fixture {
  source: string;
  file: string;
  cases: Case[];
}

export interface Totals {
  cases: number;
  /** Every input gives W&B's answer. */
  agree: number;
  /** At least one input differs on purpose (`knobs`). */
  deliberate: number;
  notApplicable: number;
}

const FIXTURES = path.resolve(__dirname, '../../../../test/contracts/wandb/fixtures');

function sweepText(inp: Input): string {
  const text = `${inp.yaml.join('\n')}\n`;
  return inp.program === false || /^(program|command):/m.test(text) ? text : `program: train.py\n${text}`;
}

/** Every key of `want` (recursively for maps) equals the same key of `got`. */
function assertPartial(got: unknown, want: unknown, where: string): void {
  if (want && typeof want === 'object' && !Array.isArray(want)) {
    assert.ok(got && typeof got === 'object', `${where}: ${JSON.stringify(got)} is not a map`);
    for (const [k, v] of Object.entries(want)) assertPartial((got as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else assert.deepEqual(got, want, where);
}

function errorCodes(inp: Input, where: string): string[] {
  const res = parseSweep(sweepText(inp), { file: 'sweep.yaml' });
  const errors = res.diagnostics.filter((d) => d.severity === 'error');
  for (const e of errors) {
    assert.ok(e.loc && e.loc.line >= 1 && e.loc.col >= 1, `${where}: an error without line:col: ${e.message}`);
    assert.ok(e.hint && e.hint.length > 5, `${where}: an error without a fix: ${e.message}`);
  }
  return [...new Set(errors.map((e) => e.code))].sort();
}

function checkInput(inp: Input, where: string): void {
  const res = parseSweep(sweepText(inp), { file: 'sweep.yaml' });
  const codes = errorCodes(inp, where);
  const shown = res.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`).join('\n');
  if (inp.knobs) {
    assert.ok(res.spec === undefined, `${where}: Knobs should refuse it (${inp.knobs.why})`);
    assert.deepEqual(codes, [...inp.knobs.codes].sort(), `${where}:\n${shown}`);
    return;
  }
  if (inp.wandb === 'invalid') {
    assert.ok(res.spec === undefined, `${where}: W&B refuses it; Knobs accepted it`);
    if (inp.codes) assert.deepEqual(codes, [...inp.codes].sort(), `${where}:\n${shown}`);
    return;
  }
  assert.ok(res.spec, `${where}: W&B accepts it; Knobs refused it:\n${shown}`);
  const spec: SweepSpec = res.spec;
  if (inp.wandb === 'warn') {
    const warned = spec.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code);
    for (const c of inp.codes ?? []) assert.ok(warned.includes(c), `${where}: no ${c} warning:\n${shown}`);
  }
  if (inp.param) {
    const p = spec.space.params.find((x) => x.name === inp.param!.name);
    assertPartial(p, inp.param, `${where} param`);
  }
  if (inp.paramNames)
    assert.deepEqual(
      spec.space.params.map((p) => p.name),
      inp.paramNames,
      where,
    );
  if (inp.spec) assertPartial(spec, inp.spec, `${where} spec`);
}

export function loadFixture(name: string): Fixture {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name.replace(/^test_/, '')}.json`), 'utf8')) as Fixture;
}

export function totalsOf(fx: Fixture): Totals {
  const t: Totals = { cases: fx.cases.length, agree: 0, deliberate: 0, notApplicable: 0 };
  for (const c of fx.cases) {
    if (c.notApplicable) t.notApplicable++;
    else if (c.inputs!.some((i) => i.knobs)) t.deliberate++;
    else t.agree++;
  }
  return t;
}

/** One test per W&B case, and one that pins the totals (cases, agree, deliberate, not applicable). */
export function wandbConformance(name: string, expected: Totals): void {
  const fx = loadFixture(name);
  for (const c of fx.cases) {
    if (c.notApplicable) continue; // counted below, with its reason
    test(`${fx.file.replace(/^tests\//, '')} ${c.test.split('::')[1]}`, () => {
      assert.ok(c.inputs && c.inputs.length > 0);
      c.inputs.forEach((inp, i) => checkInput(inp, `${c.test}#${i}`));
    });
  }
  test(`${fx.file}: totals against ${fx.source}`, () => {
    const names = fx.cases.map((c) => c.test);
    assert.equal(new Set(names).size, names.length, 'one case per pytest item');
    for (const c of fx.cases) {
      assert.ok(c.test.startsWith(`${fx.file}::test_`), c.test);
      if (c.notApplicable) assert.ok(c.notApplicable.length > 20 && !c.inputs, `${c.test}: not applicable, and why`);
      for (const inp of c.inputs ?? []) if (inp.knobs) assert.ok(inp.knobs.why.length > 20, `${c.test}: a deliberate difference says why`);
    }
    assert.deepEqual(totalsOf(fx), expected);
  });
}
