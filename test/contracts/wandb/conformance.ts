/**
 * W&B conformance fixtures (fixtures/*.json): sweep files with W&B's engine's answers, and what
 * Knobs gives for the same files. The answers were made by running W&B's
 * engine (wandb/sweeps at the commit named in each fixture: `schema_violations_from_proposed_config`,
 * then `next_run` until it returns None) outside this repository; only our inputs and its answers
 * are committed.
 */

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { formatArgsJson } from '../../../src/core/runner/command';
import { gridPoint } from '../../../src/core/samplers/grid';
import { toConfig } from '../../../src/core/space/config';
import { parseSweep } from '../../../src/core/space/parse';

export interface WandbCase {
  /** The W&B test: file::function[pytest id]. */
  wandb: string;
  sweep: string;
  order: 'exact' | 'set';
  orderWhy?: string;
  derived?: string;
  wandbAnswer: { valid: boolean; violations: string[]; configs?: string[]; error?: string };
  /** A deliberate difference (README: Differences from W&B): Knobs' answer and why. */
  knobs?: { configs: string[]; why: string };
}

export interface WandbFixture {
  about: string;
  wandbCommit: string;
  /** Every test id of W&B's test file, as pytest collects it. */
  wandbTests: string[];
  cases: WandbCase[];
  notApplicable: { wandb: string; why: string }[];
}

const root = path.resolve(__dirname, '../../../..');

export function loadFixture(name: string): WandbFixture {
  return JSON.parse(fs.readFileSync(path.join(root, 'test/contracts/wandb/fixtures', name), 'utf8')) as WandbFixture;
}

/**
 * Knobs' answer for a case's sweep file, in W&B's terms. `byName` orders each config's top-level
 * keys by name, as W&B's do (Knobs keeps file order: a deliberate difference).
 */
export function knobsAnswer(c: WandbCase, byName = false): { valid: boolean; errors: string[]; configs?: string[] } {
  const r = parseSweep(c.sweep);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  if (!r.spec) return { valid: false, errors };
  if (r.spec.method !== 'grid') return { valid: true, errors };
  const space = r.spec.space;
  const configs: string[] = [];
  for (let i = 0; ; i++) {
    const flat = gridPoint(space, i);
    if (!flat) break;
    const config = toConfig(space, flat);
    const ordered = byName
      ? Object.fromEntries(
          Object.keys(config)
            .sort()
            .map((k) => [k, config[k]]),
        )
      : config;
    configs.push(formatArgsJson(ordered, space));
  }
  return { valid: true, errors, configs };
}

/** Asserts that Knobs gives W&B's answer (or the documented different one) for a case. */
export function assertConforms(c: WandbCase): void {
  const ours = knobsAnswer(c, c.order === 'set');
  const want = c.wandbAnswer;
  assert.equal(
    ours.valid,
    want.valid,
    `${c.wandb}: W&B's engine ${want.valid ? 'accepts' : `refuses (${want.error})`} this file; Knobs ${ours.valid ? 'accepts it' : `refuses it: ${ours.errors.join('; ')}`}`,
  );
  if (!want.configs) return;
  if (c.knobs) {
    assert.notDeepEqual(c.knobs.configs, want.configs, `${c.wandb}: the listed difference is no longer one`);
    assert.deepEqual(ours.configs, c.knobs.configs, `${c.wandb}: Knobs' documented answer (${c.knobs.why})`);
    return;
  }
  if (c.order === 'exact') assert.deepEqual(ours.configs, want.configs, `${c.wandb}: W&B's configs in W&B's order`);
  else
    assert.deepEqual(
      [...(ours.configs ?? [])].sort(),
      [...want.configs].sort(),
      `${c.wandb}: W&B's configs as a set, same count (${c.orderWhy})`,
    );
}

/** One test per case, and one that every W&B test of the file is a case or says why not. */
export function conformanceSuite(title: string, fixtureName: string): void {
  const fixture = loadFixture(fixtureName);
  describe(`W&B conformance: ${title} (wandb/sweeps ${fixture.wandbCommit.slice(0, 7)})`, () => {
    fixture.cases.forEach((c, i) => {
      test(`${c.wandb}${c.derived ? ` (derived #${i}: ${c.derived})` : ''}`, () => assertConforms(c));
    });

    test('every W&B test of the file is a case here, or is listed as not applicable with why', () => {
      assert.ok(fixture.wandbTests.length > 0);
      const covered = new Set(fixture.cases.map((c) => c.wandb));
      for (const n of fixture.notApplicable) {
        assert.ok(n.why.length > 20, `${n.wandb}: say why it has no sweep-file form`);
        assert.ok(!covered.has(n.wandb), `${n.wandb} is both a case and not applicable`);
        covered.add(n.wandb);
      }
      const missing = fixture.wandbTests.filter((id) => !covered.has(id));
      assert.deepEqual(missing, [], 'W&B tests with no case here and no reason');
    });
  });
}
