import { appendFileSync } from 'node:fs';
import type { CellSpec, CellValue, TableKind } from '../types';

/**
 * A fast table kind over the demo fixture table (../../__fixtures__/write-table.ts): one cell per
 * row x seed filling columns a and b with numbers that depend only on the cell, after a delay of
 * $DESCBENCH_DEMO_DELAY_MS (not a setting: a slower run computes the same cells); each computation is logged (one line with the cell's row/seed) to `settings.log`, so tests can
 * count what was computed.
 */
export const demoKind: TableKind = {
  id: 'demo',
  tables: ['demo/table1'],
  cells: async (t, o) => {
    const seeds = o.seeds ?? t.spec.seeds;
    const k = (o.kind ?? {}) as { log: string; knob?: number };
    const rows = o.rows ?? ['x', 'y'];
    return rows.flatMap((row) =>
      Array.from({ length: seeds }, (_, i): CellSpec => ({
        kind: 'demo',
        table: t.id,
        row,
        columns: ['a_fpr95_pct', 'b_fpr95_pct'],
        unit: 'all',
        seed: i + 1,
        settings: { log: k.log, knob: k.knob ?? 1, data: { kind: o.data === 'real' ? 'real' : 'synthetic' } },
      })),
    );
  },
  plots: (r) => [{ id: 'demo-a', title: 'a per seed', vegaLite: { mark: 'point', data: { values: r.aggregated.filter((a) => a.column === 'a_fpr95_pct').flatMap((a) => a.values.map((v, i) => ({ row: a.row, seed: a.seeds[i], v }))) } } }],
  compute: async (c): Promise<CellValue> => {
    const s = c.settings as { log: string; knob: number };
    await new Promise((r) => setTimeout(r, Number(process.env.DESCBENCH_DEMO_DELAY_MS ?? 0)));
    appendFileSync(s.log, `${c.row}/${c.seed}\n`);
    const base = c.row === 'x' ? 1 : 3;
    return { values: { a_fpr95_pct: s.knob * base + c.seed / 10, b_fpr95_pct: 2 - c.seed / 100 }, data: c.settings.data ? ((c.settings.data as { kind: 'real' | 'synthetic' }).kind) : 'synthetic' };
  },
};
