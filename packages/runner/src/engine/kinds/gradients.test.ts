/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTfjsBackend } from '@descbench/models';
import { findBenchmarksDir, loadCatalog } from '../../tables/catalog';
import { runReplay } from '../replay';
import { gradientsKind, type GradientsCellSettings } from './gradients';

const catalog = loadCatalog(findBenchmarksDir(__dirname));
const tmp = (p: string): string => mkdtempSync(join(tmpdir(), `descbench-${p}-`));
const small = { patches: 256 };

beforeAll(async () => {
  await useTfjsBackend('wasm');
});

describe('gradients kind', () => {
  test('Fig. 5 cells: one grid search per row, over the loss of the row; columns as the reference', async () => {
    const dataDir = tmp('gr-data');
    const cells = await gradientsKind.cells(catalog.get('hynet/fig5'), { table: 'hynet/fig5', profile: 'tiny', data: 'synthetic', dataDir, kind: small });
    expect(cells.map((c) => [c.row, c.unit, c.columns])).toEqual([
      ['hynet_best', 'hynet', ['alpha', 'margin']],
      ['loss_a', 'hynet-a', ['margin']],
      ['loss_b', 'hynet-b', ['alpha', 'margin_b1', 'margin_b2']],
    ]);
    const s = cells[0]!.settings as GradientsCellSettings;
    expect(s.sweep).toMatchObject({ loss: 'hynet', grid: { alpha: [1, 2], margin: [1, 1.2] }, convention: 'hynet' });
    expect(Object.keys(s.data.subsets)).toEqual(['liberty', 'notredame', 'yosemite']);
  });

  test('Fig. 2 end to end on generated data: sampled theta counts, g_s / g_d curves and theta histograms as figure data', async () => {
    const r = await runReplay(catalog, { table: 'hynet/fig2', profile: 'tiny', data: 'synthetic', dataDir: tmp('gr-e2e'), resultsDir: tmp('gr-results'), kind: small });
    const v = Object.fromEntries(r.aggregated.map((a) => [a.column, a.mean]));
    // tiny: 4 batches of 32 pairs, 16 triplets each -> 64 positive + 64 negative angles per descriptor
    expect(v).toEqual({ descriptor_pairs_k: 0.128, positive_share_pct: 50, triplets_per_batch_count: 16, batches_k: 0.004, batch_size_count: 32 });
    expect(r.files.data!.map((f) => f.replace(/.*_hynet-/, ''))).toEqual(['fig2-a.csv', 'fig2-b.csv']);
    const hist = readFileSync(r.files.data![0]!, 'utf8').trim().split('\n');
    expect(hist[0]).toBe('seed,descriptor,origin,pairs,theta_lo,theta_hi,theta_mid_deg,count');
    const counts = hist.slice(1).map((l) => l.split(','));
    for (const d of ['hardnet', 'sosnet']) {
      for (const pairs of ['positive', 'hardest negative']) {
        expect(counts.filter((c) => c[1] === d && c[3] === pairs).reduce((n, c) => n + Number(c[7]), 0)).toBe(64);
      }
    }
    const curves = readFileSync(r.files.data![1]!, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const gs = curves.filter((c) => c[1] === 'g_s (inner product)');
    expect(gs).toHaveLength(91);
    expect(Number(gs[90]![4])).toBeCloseTo(1, 6); // |sin(pi/2)|
  });
});
