import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A benchmarks/ folder in a temp dir holding the given tables (table.json + reference.csv). */
export function writeBenchmarks(tables: { id: string; spec: object; csv?: string }[]): string {
  const root = mkdtempSync(join(tmpdir(), 'descbench-tables-'));
  for (const t of tables) {
    const dir = join(root, t.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'table.json'), JSON.stringify({ id: t.id, ...t.spec }, null, 2));
    if (t.csv !== undefined) writeFileSync(join(dir, 'reference.csv'), t.csv);
  }
  return root;
}

const col = (id: string, extra: object = {}): object => ({ id, label: id, unit: '%', metric: 'fpr95', higher_is_better: false, ...extra });

/** A small UBC-style table: two value columns with stds, a stated mean, and parameter counts. */
export const demoSpec = {
  version: 1,
  kind: 'table',
  document: 'demo.txt',
  paper: 'Demo paper',
  number: 'Table 1',
  title: 'Demo FPR@95',
  metric: { name: 'fpr95', unit: '%', higher_is_better: false },
  seeds: 3,
  replay: { here: 'smoke', needs: ['data:ubc'], why: 'demo' },
  columns: [
    { id: 'params_count', label: 'Params', unit: 'count', role: 'param_count' },
    col('a_fpr95_pct', { std: true }),
    col('b_fpr95_pct', { std: true }),
    col('mean_fpr95_pct', { role: 'mean' }),
  ],
  rows: [
    { id: 'x', label: 'X' },
    { id: 'y', label: 'Y' },
    { id: 'xy', label: 'X+Y' },
  ],
  checks: [
    { rule: 'row-mean', target: 'mean_fpr95_pct', of: ['a_fpr95_pct', 'b_fpr95_pct'] },
    { rule: 'row-sum', column: 'params_count', target: 'xy', of: ['x', 'y'] },
  ],
};

export const demoCsv = [
  'row,label,params_count,a_fpr95_pct,a_fpr95_pct_std,b_fpr95_pct,b_fpr95_pct_std,mean_fpr95_pct',
  'x,X,100,1.00,0.10,2.00,0.05,1.50',
  'y,Y,200,3.00,,1.01,,2.01',
  'xy,X+Y,300,0.80,0.02,,,',
  '',
].join('\n');
