import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, writeFileAtomicSync, type Registry } from '@descbench/core';
import type { PlotSpec } from '../engine/types';
import type { RunRecord } from '../experiments/run-record';
import { decimalsOf, type AggregatedCell } from '../experiments/seed-table';
import { markdownTable } from '../format/markdown';
import type { CellComparison, CompareReport, Verdict } from '../tables/compare';
import type { ReferenceTable } from '../tables/reference-table';
import { baselineTests, WELCH_ALPHA, type BaselineTest } from './baseline-welch';
import { columnTitle, perSeedPlot, rowPlots } from './row-plots';
import { vegaLiteToSvg } from './vega-svg';

/** What a report is drawn from: a finished replay (or its record) and the kind's extra plots. */
export interface ReportInput {
  table: ReferenceTable;
  results: AggregatedCell[];
  comparison: CompareReport | null;
  /** `synthetic`: generated data, never a paper result (the report says so at the top). */
  data: string;
  /** The kind's plots (curves, seed studies), drawn after the engine's per-row plots. */
  plots?: PlotSpec[];
  date: string;
  gitHash: string | null;
  /** Profile, seeds, backend...: printed as the run's settings. */
  config: Record<string, unknown>;
}

export interface RenderedPlot {
  spec: PlotSpec;
  svg: string;
}

export interface RenderedReport {
  md: string;
  html: string;
  plots: RenderedPlot[];
  tests: BaselineTest[];
}

const VERDICT_COLOUR: Record<Verdict, string> = {
  within: '#d9f2d9',
  inconclusive: '#ececec',
  better: '#d6e6fb',
  worse: '#f9d4d4',
  differs: '#fbe5c8',
};
const MARK: Record<NonNullable<BaselineTest['mark']>, string> = { better: '▲', worse: '▼', different: '◆' };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fmt(mean: number, std: number | null, digits: number): string {
  return `${mean.toFixed(digits)}${std === null ? '' : ` ± ${std.toFixed(digits)}`}`;
}

interface Cell {
  row: string;
  column: string;
  ours?: AggregatedCell;
  paper: string;
  cmp?: CellComparison;
  test?: BaselineTest;
}

function grid(i: ReportInput, tests: BaselineTest[]): { rows: string[]; columns: string[]; cell: (r: string, c: string) => Cell } {
  const t = i.table;
  const rows = [...t.rows.keys()].filter((r) => i.results.some((c) => c.row === r));
  const columns = t.numericColumns.map((c) => c.id).filter((c) => i.results.some((x) => x.column === c));
  const cell = (row: string, column: string): Cell => {
    const ref = t.rows.get(row);
    const v = ref?.cells.get(column);
    const s = ref?.stds.get(column);
    return {
      row,
      column,
      ours: i.results.find((c) => c.row === row && c.column === column),
      paper: v === undefined ? '' : `${v.text}${s === undefined ? '' : ` ± ${s.text}`}`,
      cmp: i.comparison?.cells.find((c) => c.row === row && c.column === column),
      test: tests.find((c) => c.row === row && c.column === column),
    };
  };
  return { rows, columns, cell };
}

function markText(test: BaselineTest | undefined): string {
  return test?.mark ? ` ${MARK[test.mark]}` : '';
}

function settingsLine(i: ReportInput): string {
  const keep = ['profile', 'seeds', 'backend', 'convention', 'patches', 'jobs'];
  const parts = keep.filter((k) => i.config[k] !== undefined && i.config[k] !== null).map((k) => `${k} ${String(i.config[k])}`);
  return [`data ${i.data}`, ...parts, `date ${i.date}`, `git ${i.gitHash ?? 'unknown'}`].join(' · ');
}

const GENERATED = 'Generated data: these numbers come from the project\'s generated stand-in data, not from the real datasets; they are not a paper result, and the verdicts only show that the pipeline runs end to end.';

function summaryLine(c: CompareReport | null): string {
  if (c === null) return 'No printed reference to compare with.';
  const s = c.summary;
  return `Against the paper (${c.sigmas} sigmas, resolution ${c.resolution}): ${s.within} within, ${s.inconclusive} inconclusive, ${s.better} better, ${s.worse} worse, ${s.differs} differ${c.unmatched.length ? `; ${c.unmatched.length} without a printed value` : ''}.`;
}

function welchLine(t: ReferenceTable, tests: BaselineTest[]): string {
  const base = t.spec.baseline_row;
  if (base === undefined) return '';
  const label = t.rows.get(base)?.spec.label ?? base;
  if (tests.length === 0) return `Welch's t-test against ${label}: not run (needs the baseline row and at least two seeds per cell).`;
  const sig = tests.filter((x) => x.mark !== null).length;
  return `Welch's t-test of each row against ${label} over seeds (two-sided, p < ${WELCH_ALPHA}): ▲ significantly better, ▼ significantly worse, ◆ different (no direction); ${sig} of ${tests.length} cells significant.`;
}

function markdown(i: ReportInput, rendered: RenderedPlot[], tests: BaselineTest[], plotPath: (p: PlotSpec) => string): string {
  const t = i.table;
  const g = grid(i, tests);
  // counts are integers; measured values get one decimal more than the paper prints
  const digits = (c: string): number => (t.numericColumns.find((x) => x.id === c)?.role === 'param_count' ? 0 : decimalsOf(t, c) + 1);
  const header = ['', ...g.columns.flatMap((c) => [`${columnTitle(t, c)}: ours`, 'paper'])];
  const body = g.rows.map((r) => [
    t.rows.get(r)?.spec.label ?? r,
    ...g.columns.flatMap((c) => {
      const x = g.cell(r, c);
      const ours = x.ours ? `${fmt(x.ours.mean, x.ours.std, digits(c))}${markText(x.test)}${x.cmp ? ` (${x.cmp.verdict})` : ''}` : '';
      return [ours, x.paper];
    }),
  ]);
  const lines = [
    `# ${t.spec.paper}: ${t.spec.number}`,
    '',
    t.spec.title,
    '',
    ...(i.data === 'synthetic' ? [`> ${GENERATED}`, ''] : []),
    settingsLine(i),
    '',
    markdownTable(header, body),
    '',
    summaryLine(i.comparison),
    ...(welchLine(t, tests) ? ['', welchLine(t, tests)] : []),
    '',
    '## Plots',
    '',
    ...rendered.flatMap((p) => [`### ${p.spec.title}`, '', `![${p.spec.title}](${plotPath(p.spec)})`, '']),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

function html(i: ReportInput, rendered: RenderedPlot[], tests: BaselineTest[]): string {
  const t = i.table;
  const g = grid(i, tests);
  // counts are integers; measured values get one decimal more than the paper prints
  const digits = (c: string): number => (t.numericColumns.find((x) => x.id === c)?.role === 'param_count' ? 0 : decimalsOf(t, c) + 1);
  const unit = (c: string): string => {
    const u = t.numericColumns.find((x) => x.id === c)?.unit;
    return u ? ` (${esc(u)})` : '';
  };
  // two header rows: the column group (e.g. "Train Liberty / Test") over its columns
  const groups: { group: string; span: number }[] = [];
  for (const c of g.columns) {
    const grp = t.numericColumns.find((x) => x.id === c)?.group ?? '';
    const last = groups[groups.length - 1];
    if (last !== undefined && last.group === grp && grp !== '') last.span++;
    else groups.push({ group: grp, span: 1 });
  }
  const label = (c: string): string => esc(t.numericColumns.find((x) => x.id === c)?.label ?? c);
  const head1 = `<tr><th rowspan="2">ours<br><span class="paper">paper</span></th>${groups.map((x) => `<th colspan="${x.span}">${esc(x.group)}</th>`).join('')}</tr>`;
  const head2 = `<tr>${g.columns.map((c) => `<th>${label(c)}${unit(c)}</th>`).join('')}</tr>`;
  const rows = g.rows.map((r) => {
    const tds = g.columns.map((c) => {
      const x = g.cell(r, c);
      const v = x.cmp?.verdict;
      const title = [
        x.cmp ? `${x.cmp.verdict}: delta ${x.cmp.delta.toPrecision(4)}, allowed ${x.cmp.allowed.toPrecision(4)} (uncertainty ${x.cmp.uncertainty.toPrecision(4)})` : 'no printed value',
        x.ours ? `seeds ${x.ours.values.map((y) => y.toFixed(digits(c))).join(', ')}` : '',
        x.test ? `Welch vs ${x.test.baseline}: t ${x.test.t.toFixed(2)}, df ${x.test.df.toFixed(1)}, p ${x.test.p.toPrecision(3)}` : '',
      ].filter((s) => s !== '').join('\n');
      const ours = x.ours ? `${esc(fmt(x.ours.mean, x.ours.std, digits(c)))}${x.test?.mark ? ` <span class="mark">${MARK[x.test.mark]}</span>` : ''}` : '';
      return `<td class="${v ? `v-${v}` : ''}" title="${esc(title)}"><div class="ours">${ours}</div><div class="paper">${esc(x.paper) || '&nbsp;'}</div></td>`;
    });
    const baseline = r === t.spec.baseline_row ? ' class="baseline"' : '';
    return `<tr${baseline}><th>${esc(t.rows.get(r)?.spec.label ?? r)}</th>${tds.join('')}</tr>`;
  });
  const legend = (Object.keys(VERDICT_COLOUR) as Verdict[]).map((v) => `<span class="chip v-${v}">${v}</span>`).join(' ');
  const css = [
    'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#222}',
    'h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}.sub{color:#555;margin-top:0}',
    '.meta{color:#666;font-size:.85rem}.warn{background:#fff4d6;border-left:4px solid #e0a800;padding:.6rem .8rem;margin:1rem 0}',
    '.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;font-variant-numeric:tabular-nums}',
    'th,td{border:1px solid #ddd;padding:.3rem .5rem;white-space:nowrap}th{background:#f6f6f6}td{text-align:right}',
    '.paper{color:#666;font-size:.8em}th .paper{font-weight:normal}tbody th{text-align:left}tr.baseline th{font-style:italic}tr.baseline th::after{content:" (baseline)";color:#888;font-weight:normal}',
    '.mark{font-size:.8em}.chip{padding:.1rem .4rem;border-radius:3px;font-size:.8rem}',
    ...(Object.entries(VERDICT_COLOUR) as [Verdict, string][]).map(([v, c]) => `.v-${v}{background:${c}}`),
    '.plots{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:flex-start}figure{margin:0;max-width:100%}figure svg{max-width:100%;height:auto}',
  ].join('\n');
  const welch = welchLine(t, tests);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`${t.spec.number}: ${t.spec.title}`)}</title>
<style>
${css}
</style></head><body>
<h1>${esc(t.spec.paper)}: ${esc(t.spec.number)}</h1>
<p class="sub">${esc(t.spec.title)} <span class="meta">(${esc(t.id)})</span></p>
${i.data === 'synthetic' ? `<p class="warn">${esc(GENERATED)}</p>\n` : ''}<p class="meta">${esc(settingsLine(i))}</p>
<div class="scroll"><table>
<thead>${head1}${head2}</thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>
<p>${esc(summaryLine(i.comparison))} ${legend}</p>
${welch ? `<p>${esc(welch)}</p>\n` : ''}<h2>Plots</h2>
<div class="plots">
${rendered.map((p) => `<figure id="${esc(p.spec.id)}" title="${esc(p.spec.title)}">${p.svg}</figure>`).join('\n')}
</div>
</body></html>
`;
}

/** The engine's plots (per row, per seed) followed by the kind's, each rendered to SVG. */
export async function renderReport(i: ReportInput, plotPath: (p: PlotSpec) => string = (p) => `plots/${p.id}.svg`): Promise<RenderedReport> {
  const tests = baselineTests(i.table, i.results);
  const seeds = perSeedPlot(i.table, i.results);
  const specs = [...rowPlots(i.table, i.results), ...(seeds ? [seeds] : []), ...(i.plots ?? [])];
  const rendered: RenderedPlot[] = [];
  for (const spec of specs) rendered.push({ spec, svg: await vegaLiteToSvg(spec.vegaLite) });
  return { md: markdown(i, rendered, tests, plotPath), html: html(i, rendered, tests), plots: rendered, tests };
}

/**
 * Write `report.md` (plots as `plots/<id>.svg` beside it) and the self-contained `report.html`
 * (inline CSS and SVG, opens offline) into `dir`, each atomically.
 */
export async function writeReport(dir: string, i: ReportInput): Promise<{ md: string; html: string }> {
  const r = await renderReport(i);
  mkdirSync(join(dir, 'plots'), { recursive: true });
  for (const p of r.plots) writeFileAtomicSync(join(dir, 'plots', `${p.spec.id.replace(/[^a-zA-Z0-9_.+-]/g, '_')}.svg`), p.svg);
  const files = { md: join(dir, 'report.md'), html: join(dir, 'report.html') };
  writeFileAtomicSync(files.md, r.md.replace(/\]\(plots\/([^)]+)\.svg\)/g, (_m, id: string) => `](plots/${id.replace(/[^a-zA-Z0-9_.+-]/g, '_')}.svg)`));
  writeFileAtomicSync(files.html, r.html);
  return files;
}

/** A run record (optionally with the kind's `plots`) as report input. */
export function reportInputFromRecord(catalog: Registry<ReferenceTable>, record: RunRecord & { plots?: PlotSpec[] }, file: string): ReportInput {
  if (typeof record.table !== 'string' || !Array.isArray(record.results)) throw new InputError('not a run record (expected "table" and "results")', { file });
  const table = catalog.get(record.table);
  const data = typeof record.config?.data === 'string' ? record.config.data : 'unknown';
  return {
    table,
    results: record.results,
    comparison: record.reference_delta ?? null,
    data,
    ...(record.plots ? { plots: record.plots } : {}),
    date: record.date,
    gitHash: record.git_hash,
    config: record.config ?? {},
  };
}

/** `bench report <record.json>`: render a record's report again, beside it or into `outDir`. */
export async function reportFromRecordFile(catalog: Registry<ReferenceTable>, file: string, outDir?: string): Promise<{ md: string; html: string }> {
  if (!existsSync(file)) throw new InputError('no such file', { file });
  let record: RunRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  return writeReport(outDir ?? dirname(file), reportInputFromRecord(catalog, record, file));
}
