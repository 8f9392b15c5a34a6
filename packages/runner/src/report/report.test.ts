import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCsv, demoSpec, writeBenchmarks } from '../__fixtures__/write-table';
import type { PlotSpec } from '../engine/types';
import { aggregateSeeds, resultsCsv } from '../experiments/seed-table';
import { loadCatalog } from '../tables/catalog';
import { compareResultsCsv } from '../tables/compare';
import { baselineTests } from './baseline-welch';
import { renderReport, reportFromRecordFile, type ReportInput } from './report';
import { columnShort, rowPlots } from './row-plots';

function demo(): ReportInput {
  const catalog = loadCatalog(writeBenchmarks([{ id: 'demo/table1', spec: { ...demoSpec, baseline_row: 'x' }, csv: demoCsv }]));
  const t = catalog.get('demo/table1');
  const seeds = (row: string, column: string, values: number[]) => values.map((value, i) => ({ row, column, seed: i + 1, value }));
  const results = aggregateSeeds(t, [
    ...seeds('x', 'a_fpr95_pct', [1.012, 1.234, 1.111]),
    ...seeds('x', 'b_fpr95_pct', [2.0, 2.1, 1.9]),
    // y.a is far below x.a (significant, lower FPR is better); y.b overlaps x.b (not significant)
    ...seeds('y', 'a_fpr95_pct', [0.501, 0.502, 0.503]),
    ...seeds('y', 'b_fpr95_pct', [1.95, 2.15, 2.0]),
  ]);
  const comparison = compareResultsCsv(catalog, t.id, resultsCsv(t, results), 'demo.csv');
  return { table: t, results, comparison, data: 'synthetic', date: '2026-01-01T00:00:00.000Z', gitHash: 'abc', config: { profile: 'tiny', seeds: 3 } };
}

describe('Welch marks against the baseline row', () => {
  test('a clearly lower FPR is marked better, an overlapping one is not marked', () => {
    const i = demo();
    const tests = baselineTests(i.table, i.results);
    expect(tests.map((x) => [x.row, x.column, x.mark])).toEqual([
      ['y', 'a_fpr95_pct', 'better'],
      ['y', 'b_fpr95_pct', null],
    ]);
    expect(tests[0]?.p).toBeLessThan(0.05);
    expect(tests[1]?.p).toBeGreaterThan(0.5);
  });
});

describe('plot labels', () => {
  test('a label repeated across column groups gets its group, so the plots keep the columns apart', () => {
    const spec = { ...demoSpec, columns: [{ id: 'a_m', label: 'ROxf', group: 'Medium', unit: '%' }, { id: 'a_h', label: 'ROxf', group: 'Hard', unit: '%' }], checks: [] };
    const t = loadCatalog(writeBenchmarks([{ id: 'demo/table1', spec, csv: 'row,label,a_m,a_h\nx,X,1,2\n' }])).get('demo/table1');
    expect([columnShort(t, 'a_m'), columnShort(t, 'a_h')]).toEqual(['ROxf Medium', 'ROxf Hard']);
  });
});

describe('row plots', () => {
  test('a parameter-count column is left out of the metric plot (it would flatten the FPR points); the table keeps it', async () => {
    const t = loadCatalog().get('solar-supp/table1');
    const soa = [...t.rows.values()].find((r) => /soa3$/.test(r.spec.model ?? ''))!.spec.id;
    const param = t.numericColumns.find((c) => c.role === 'param_count')!.id;
    const fpr = t.numericColumns.find((c) => c.train !== undefined)!.id;
    const results = aggregateSeeds(t, [
      { row: soa, column: param, seed: 1, value: 4272 },
      { row: soa, column: fpr, seed: 1, value: 31.5 },
      { row: soa, column: fpr, seed: 2, value: 33.5 },
    ]);
    const [plot] = rowPlots(t, results);
    const columns = new Set((plot!.vegaLite.data as { values: { column: string }[] }).values.map((v) => v.column));
    expect(columns).toEqual(new Set([columnShort(t, fpr)]));
    const comparison = compareResultsCsv(loadCatalog(), t.id, resultsCsv(t, results), 'r.csv');
    const r = await renderReport({ table: t, results, comparison, data: 'synthetic', date: '2026-01-01T00:00:00.000Z', gitHash: 'abc', config: {} });
    for (const text of [r.md, r.html]) {
      expect(text).toContain('4272');
      expect(text).not.toContain('4272.0');
    }
  });
});

describe('report', () => {
  test('the SVG plots hold the plotted values; the table shows ours beside the paper, verdicts and marks', async () => {
    const curve: PlotSpec = {
      id: 'curve',
      title: 'A curve',
      vegaLite: { data: { values: [{ step: 1, loss: 0.75 }, { step: 2, loss: 0.625 }] }, mark: { type: 'line', point: true }, encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'loss', type: 'quantitative' } } },
    };
    const r = await renderReport({ ...demo(), plots: [curve] });
    expect(r.plots.map((p) => p.spec.id)).toEqual(['row-x', 'row-y', 'per-seed', 'curve']);
    const rowX = r.plots[0]?.svg ?? '';
    expect(rowX).toMatch(/^<svg/);
    // each seed, the mean, the ± std bounds and the paper's value, as vega labels the marks
    for (const v of ['1.012', '1.234', '1.111', '1.119', '2.1', '1.9']) expect(rowX).toContain(`value: ${v}`);
    expect(rowX).toMatch(/lo: 1\.00\d+; hi: 1\.23\d+/);
    expect(rowX).toContain('column: a_fpr95_pct; value: 1; what: paper'); // the paper's 1.00 for x.a, as a tick
    expect(rowX).toContain('column: b_fpr95_pct; value: 2; what: paper');
    expect(r.plots[2]?.svg).toContain('row: Y; fpr95 (%): 0.503; seed: seed 3');
    expect(r.plots[3]?.svg).toContain('loss: 0.625');
    // markdown: ours (verdict) and the paper side by side, the Welch mark, the generated-data warning
    expect(r.md).toContain('> Generated data');
    expect(r.md).toMatch(/\| X +\| +1\.119 ± 0\.111 \(inconclusive\) \| 1\.00 ± 0\.10 \|/);
    expect(r.md).toContain('0.502 ± 0.001 ▲ (better)');
    expect(r.md).toContain('![X](plots/row-x.svg)');
    // html: self-contained (no external scripts, styles or images), coloured verdict cells, inline SVG
    expect(r.html).not.toMatch(/<script|<link|src="http/);
    expect(r.html).toMatch(/<td class="v-better" title="better: [^"]*"><div class="ours">0\.502 ± 0\.001 <span class="mark">▲<\/span><\/div><div class="paper">3\.00<\/div><\/td>/);
    expect(r.html).toContain('<span class="mark">▲</span>');
    expect((r.html.match(/<svg/g) ?? []).length).toBe(4);
  });

  test('bench report renders a run record again: report.md, plots/*.svg and report.html beside it', async () => {
    const i = demo();
    const dir = mkdtempSync(join(tmpdir(), 'descbench-report-'));
    const record = join(dir, 'results_x.json');
    writeFileSync(record, JSON.stringify({ table: i.table.id, spec: i.table.spec, versions: {}, config: { data: 'synthetic', profile: 'tiny' }, git_hash: null, date: i.date, results: i.results, reference_delta: i.comparison }));
    const catalog = loadCatalog(i.table.dir.replace(/\/demo\/table1$/, ''));
    const files = await reportFromRecordFile(catalog, record);
    expect(files).toEqual({ md: join(dir, 'report.md'), html: join(dir, 'report.html') });
    expect(readFileSync(files.html, 'utf8')).toContain('Generated data');
    expect(existsSync(join(dir, 'plots', 'row-y.svg'))).toBe(true);
    await expect(reportFromRecordFile(catalog, join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: no such file/);
    writeFileSync(join(dir, 'bad.json'), '{"table": 1}');
    await expect(reportFromRecordFile(catalog, join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: not a run record/);
  });
});
