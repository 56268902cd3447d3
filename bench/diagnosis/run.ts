/**
 * `npm run bench:diagnosis`: the fit diagnosis's confusion matrices on the labelled curves of
 * both examples (PyTorch: the thresholds were calibrated on it; tfjs: held apart), written to
 * bench/results/diagnosis.md and printed. No training runs: the curves are recorded
 * (test/fixtures/curves/diagnosis/record_labelled.py).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSIS_DEFAULTS } from '../../src/core/analysis/diagnosis';
import { confusion, confusionMarkdown, diagnoseLabelled, loadLabelled, ROOT, SETS } from './labelled';

function main(): void {
  const lines = [
    '# Fit diagnosis on labelled curves (bench:diagnosis)',
    '',
    'Command: `npm run bench:diagnosis`. Curves: `test/fixtures/curves/diagnosis/*-labelled*.json`, labelled by the setting ' +
      'that made them (record_labelled.py there says which), each set diagnosed as one sweep (`diagnoseSweep`, as `knobs status`, ' +
      'the tree and the dashboard do). Rows: label; columns: the tag given.',
    '',
    `Thresholds (the defaults): ${Object.entries(DIAGNOSIS_DEFAULTS)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  ];
  for (const { name, role } of SETS) {
    const set = loadLabelled(name);
    const scored = diagnoseLabelled(set);
    const c = confusion(scored);
    lines.push(
      '',
      `## ${name}`,
      '',
      `Role: ${role}.`,
      '',
      `${set.curves.length} curves from ${set.source}; recorded by \`${set.command}\`.`,
      '',
      confusionMarkdown(c),
    );
    const wrong = scored.filter((s) => s.tag !== s.curve.label);
    if (wrong.length) {
      lines.push('', 'Disagreements:', '', '| curve | label | construction | tag | why |', '|---:|---|---|---|---|');
      for (const s of wrong) lines.push(`| ${s.curve.id} | ${s.curve.label} | ${s.curve.why} | ${s.tag} | ${s.reason} |`);
    }
  }
  const text = `${lines.join('\n')}\n`;
  const out = path.join(ROOT, 'bench', 'results', 'diagnosis.md');
  fs.writeFileSync(out, text);
  process.stdout.write(text);
  process.stderr.write(`wrote ${path.relative(ROOT, out)}\n`);
}

main();
