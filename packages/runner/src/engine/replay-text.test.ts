import { loadCatalog } from '../tables/catalog';
import { replayText } from './replay-text';
import type { ReplayOutcome } from './replay';

describe('replayText', () => {
  test('a column label that names its unit is not given it twice; others get theirs', () => {
    const t = loadCatalog().get('context-slides/table-fire-comparison');
    const row = [...t.rows.keys()][0]!;
    const aggregated = ['mem_gb', 'roxf_m_pct']
      .filter((id) => t.numericColumns.some((c) => c.id === id))
      .map((column) => ({ row, column, seeds: [1], values: [1], mean: 1, std: null }));
    expect(aggregated.map((a) => a.column)).toContain('mem_gb');
    const outcome = { aggregated, data: 'synthetic', comparison: null, files: { csv: 'r.csv', json: 'r.json' } } as unknown as ReplayOutcome;
    const text = replayText(t, outcome);
    expect(text).toContain('Mem (GB)');
    expect(text).not.toContain('(GB) (GB)');
  });
});
