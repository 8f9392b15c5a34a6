import { findBenchmarksDir, loadCatalog } from './catalog';
import { listTables } from './list';

/**
 * `bench list` tells the truth: which of the 22 entries replay here comes from the registered
 * table kinds. A kind added or removed must change this list on purpose.
 */
describe('bench list replay column', () => {
  test('pins, for all 22 entries, which replay here and by which kind', () => {
    const list = listTables(loadCatalog(findBenchmarksDir(__dirname)));
    expect(Object.fromEntries(list.map((t) => [t.id, t.replay.kind]))).toEqual({
      'context-slides/fig-attention-maps': null,
      'context-slides/fig-edge-connection-map': null,
      'context-slides/fig-how-training-matching': null,
      'context-slides/fig-learnable-smoothing': null,
      'context-slides/fig-visual-results': null,
      'context-slides/table-fire-comparison': 'how-asmk',
      'context-slides/table-kernel-size': 'how-asmk',
      'context-slides/table-numerical-results': 'how-asmk',
      'csa-supp/fig1': 'csa-ablation',
      'csa-supp/fig2': null,
      'csa-supp/table1': 'retrieval',
      'hynet/fig1': null,
      'hynet/fig2': 'gradients',
      'hynet/fig3': null,
      'hynet/fig4': 'hpatches',
      'hynet/fig5': 'gradients',
      'hynet/table1': 'ubc',
      'hynet/table2': null,
      'hynet/table3': 'hpatches',
      'solar-supp/fig1': null,
      'solar-supp/table1': 'ubc',
      'solar-supp/table2': null,
    });
    for (const t of list) {
      expect(t.replay.here).toBe(t.replay.kind !== null);
      expect(t.replay.command).toBe(t.replay.here ? `bench replay ${t.id}` : null);
    }
  });
});
