import { InputError } from '@descbench/core';
import {
  evalHPatches,
  HPATCHES_EVAL_CHOICES,
  HPATCHES_TASKS,
  type ApConvention,
  type DescriptorDistance,
  type EvalHPatchesResult,
  type HPatchesDescriptorFormat,
  type HPatchesTask,
} from '@descbench/runner';
import type { CommandFactory } from './index';

export const evalHPatchesCommand: CommandFactory = () => ({
  command: 'eval-hpatches',
  describe: 'HPatches verification, matching and retrieval of descriptors in the hpatches-benchmark layout (DIR/<sequence>/<patch type>.csv|.npy)',
  builder: (y) =>
    y
      .option('descriptors', { type: 'string', demandOption: true, describe: 'Descriptor root: <sequence>/<ref|e1..t5>.csv (comma-separated rows) or .npy' })
      .option('split', { type: 'string', default: 'a', describe: 'Split of splits.json: a, b, c, full, illum, view' })
      .option('tasks', { type: 'string', default: HPATCHES_TASKS.join(','), describe: 'Comma-separated: verification, matching, retrieval' })
      .option('ap', { choices: HPATCHES_EVAL_CHOICES.ap, default: 'python' as const, describe: 'AP convention: python (hpatches-benchmark, trapezoid) or matlab (VLFeat vl_pr, TREC)' })
      .option('distance', { choices: HPATCHES_EVAL_CHOICES.distance, default: 'L2' as const, describe: 'Descriptor distance' })
      .option('tasks-dir', { type: 'string', describe: 'Task definitions (splits.json, verif_*, retr_*); default <data root>/hpatches/tasks (bench fetch hpatches-tasks)' })
      .option('data-dir', { type: 'string', describe: 'Data root (default $DESCBENCH_DATA or ~/.cache/descbench)' })
      .option('format', { choices: HPATCHES_EVAL_CHOICES.format, describe: 'Descriptor files to read (default: .csv, else .npy)' })
      .option('delimiter', { type: 'string', default: ',', describe: 'Delimiter of the .csv files' })
      .option('only-present', { type: 'boolean', default: false, describe: "Evaluate only the split's sequences present in --descriptors (else a missing one is an error)" })
      .option('drawn-pairs', { type: 'number', describe: "Verification pairs to draw when the split's verif_*.csv lists are absent (default: the share of the benchmark's 1M for the sequences evaluated)" })
      .option('out', { type: 'string', describe: 'Write every per-case result (JSON) here' })
      .option('json', { type: 'boolean', default: false, describe: 'Print only JSON on stdout' }),
  handler: (a: {
    descriptors: string;
    split: string;
    tasks: string;
    ap: ApConvention;
    distance: DescriptorDistance;
    tasksDir?: string;
    dataDir?: string;
    format?: HPatchesDescriptorFormat;
    delimiter: string;
    onlyPresent: boolean;
    drawnPairs?: number;
    out?: string;
    json: boolean;
  }) => {
    const tasks = a.tasks.split(',').map((t) => t.trim()).filter((t) => t !== '');
    const unknown = tasks.filter((t) => !(HPATCHES_TASKS as readonly string[]).includes(t));
    if (unknown.length > 0 || tasks.length === 0) throw new InputError(`unknown task(s) ${unknown.join(', ')}; expected ${HPATCHES_TASKS.join(', ')}`, { at: '--tasks' });
    const r = evalHPatches({
      descriptors: a.descriptors,
      split: a.split,
      tasks: tasks as HPatchesTask[],
      ap: a.ap,
      distance: a.distance,
      delimiter: a.delimiter,
      onlyPresent: a.onlyPresent,
      ...(a.tasksDir !== undefined ? { tasksDir: a.tasksDir } : {}),
      ...(a.dataDir !== undefined ? { dataDir: a.dataDir } : {}),
      ...(a.format !== undefined ? { format: a.format } : {}),
      ...(a.out !== undefined ? { out: a.out } : {}),
      ...(a.drawnPairs !== undefined ? { drawnPairs: a.drawnPairs } : {}),
    });
    if (a.json) {
      const { perCase: _perCase, ...summary } = r;
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    process.stdout.write(formatHPatches(r));
  },
});

const pct = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : (100 * x).toFixed(2));

/** The article summary as a markdown table (percent), like the benchmark's results figure. */
export function formatHPatches(r: EvalHPatchesResult): string {
  const lines = [
    `HPatches split ${r.split}: ${r.sequences.length} sequence(s)${r.missing.length > 0 ? ` (${r.missing.length} of the split absent)` : ''}, ${r.distance} distance, ${r.ap} AP`,
    '',
    '| task | mAP (%) | Easy | Hard | Tough | detail |',
    '|---|---|---|---|---|---|',
  ];
  if (r.verification) {
    const v = r.verification;
    const c = (t: string): string => `${pct(v.cases[`${t}.intra.imbalanced`])} / ${pct(v.cases[`${t}.inter.imbalanced`])}`;
    lines.push(`| verification | ${pct(v.mAP)} | ${c('e')} | ${c('h')} | ${c('t')} | intra / inter; balanced AUC ${pct(v.balancedAuc)}; ${v.positives} positive pairs${v.pairs === 'drawn' ? ' (drawn, not the benchmark lists)' : ''} |`);
  }
  if (r.matching) {
    const m = r.matching;
    const c = (t: string): string => `${pct(m.cases[`${t}.i`])} / ${pct(m.cases[`${t}.v`])}`;
    lines.push(`| matching | ${pct(m.mAP)} | ${c('e')} | ${c('h')} | ${c('t')} | illum / view; illum ${pct(m.illum)}, view ${pct(m.view)} |`);
  }
  if (r.retrieval) {
    const q = r.retrieval;
    lines.push(`| retrieval | ${pct(q.mAP)} | ${pct(q.cases.e)} | ${pct(q.cases.h)} | ${pct(q.cases.t)} | ${q.queries} queries, ${q.distractors} distractors, pools ${q.pools.join(', ')} |`);
  }
  for (const [t, why] of Object.entries(r.skipped)) lines.push(`| ${t} | - | - | - | - | not evaluated: ${why} |`);
  return `${lines.join('\n')}\n`;
}
