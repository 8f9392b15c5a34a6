import { markdownTable } from '../format/markdown';
import type { ReferenceTable } from '../tables/reference-table';
import type { ReplayOutcome } from './replay';

const fmt = (mean: number, std: number | null, digits: number): string => `${mean.toFixed(digits)}${std === null ? '' : ` ± ${std.toFixed(digits)}`}`;

/** The line every replay on generated data prints: its verdicts say nothing about the paper. */
export const GENERATED_DATA_LINE = 'generated data: the paper numbers are for the real datasets, so the verdicts only show the pipeline runs end to end';

/**
 * A replay as text: our mean ± std beside the paper's number in each cell, the data it read, the
 * verdict counts and the files written.
 */
export function replayText(t: ReferenceTable, r: ReplayOutcome): string {
  const cols = t.numericColumns.filter((c) => r.aggregated.some((x) => x.column === c.id));
  const rows = [...t.rows.keys()].filter((row) => r.aggregated.some((x) => x.row === row));
  const body = rows.map((row) => [
    t.rows.get(row)?.spec.label ?? row,
    ...cols.map((c) => {
      const ours = r.aggregated.find((x) => x.row === row && x.column === c.id);
      const ref = t.rows.get(row)?.cells.get(c.id);
      const digits = c.role === 'param_count' ? 0 : 2;
      return `${ours ? fmt(ours.mean, ours.std, digits) : '–'}${ref ? ` (paper ${ref.text})` : ''}`;
    }),
  ]);
  const head = cols.map((c) => {
    const label = c.train && c.test ? `${c.train}->${c.test}` : c.label;
    // a label that already names its unit ("Mem (GB)") is not given it twice
    const unit = c.unit && c.unit !== 'count' && !label.includes(`(${c.unit})`) ? ` (${c.unit})` : '';
    return label + unit;
  });
  const lines = [markdownTable(['', ...head], body)];
  if (r.data === 'synthetic') lines.push(GENERATED_DATA_LINE);
  if (r.comparison !== null) {
    const s = r.comparison.summary;
    lines.push(`vs paper: ${s.within} within, ${s.inconclusive} inconclusive, ${s.better} better, ${s.worse} worse${s.differs ? `, ${s.differs} differ` : ''}`);
  }
  lines.push(`results: ${r.files.csv}`, `record: ${r.files.json}`);
  if (r.files.html !== undefined) lines.push(`report: ${r.files.html}`);
  for (const f of r.files.data ?? []) lines.push(`figure data: ${f}`);
  return `${lines.join('\n')}\n`;
}
