/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedFiles } from '../../../../core/src/__fixtures__/shared';
import { loadCatalog } from '../../tables/catalog';
import { runReplay } from '../replay';
import type { HowCellSettings } from './how-asmk';

/**
 * Issue 15's must-show: HOW at `--profile smoke` beats its own untrained backbone on the generated
 * data, on every column of "Numerical Results" (SfM-val, ROxf M / H, RPar M / H), as the mean of
 * seeds 1-3 (the project's three-seed convention; each seed its own initial backbone, its
 * own untrained baseline). With ../shared the revisitop images follow the real gnd structure (CI's
 * second pass), without it a generated one (a user's clone, CI's first pass). About 3.5 minutes on
 * a CPU core. Per seed it does not always hold: measured with packages/runner/scripts/how-smoke-curve.js,
 * seeds 1 and 3 win every column on both structures, seed 2 loses SfM-val (20 queries) and the
 * generated-gnd ROxf M, seed 4 the real-gnd ROxf H by 0.1, seed 5 the real-gnd ROxf M by 0.2 and
 * RPar H by 0.1; each seed's numbers are printed.
 */
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-how-smoke-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const COLUMNS = ['sfm_val_map_pct', 'roxf_medium_map_pct', 'roxf_hard_map_pct', 'rpar_medium_map_pct', 'rpar_hard_map_pct'];

const real = sharedFiles('HOW smoke on the real revisitop gnd structure', ['data/revisitop/gnd_roxford5k.pkl', 'data/revisitop/gnd_rparis6k.pkl']);

async function trainedBeatsUntrained(structure: 'real' | 'generated'): Promise<void> {
  const r = await runReplay(loadCatalog(), {
    table: 'context-slides/table-numerical-results',
    profile: 'smoke',
    data: 'synthetic',
    rows: ['how'],
    dataDir: join(tmp, 'data'),
    resultsDir: join(tmp, 'results'),
    jobs: 1,
    seeds: 3,
  });
  const cells = r.cells.flatMap((c, i) => (c.spec.row === 'how' ? [i] : []));
  expect(cells.map((i) => r.cells[i]!.spec.seed)).toEqual([1, 2, 3]);
  const sums = { trained: new Map<string, number>(), untrained: new Map<string, number>() };
  for (const i of cells) {
    const datasets = (r.cells[i]!.spec.settings as HowCellSettings).datasets;
    expect(datasets.map((d) => (d.gnd === 'generated' ? 'generated' : 'real'))).toEqual([structure, structure]);
    const how = r.values[i]!;
    const untrained = how.extra!.untrained as Record<string, number>;
    // one line of each seed's numbers, whatever the outcome
    process.stdout.write(`HOW smoke, seed ${r.cells[i]!.spec.seed}, ${structure} gnd structure: ${COLUMNS.map((c) => `${c.replace(/_map_pct$/, '')} ${how.values[c]!.toFixed(1)} vs untrained ${untrained[c]!.toFixed(1)}`).join('; ')}\n`);
    for (const c of COLUMNS) {
      sums.trained.set(c, (sums.trained.get(c) ?? 0) + how.values[c]!);
      sums.untrained.set(c, (sums.untrained.get(c) ?? 0) + untrained[c]!);
    }
  }
  const mean = (m: Map<string, number>, c: string): number => m.get(c)! / cells.length;
  process.stdout.write(`HOW smoke, mean of seeds 1-3, ${structure} gnd structure: ${COLUMNS.map((c) => `${c.replace(/_map_pct$/, '')} ${mean(sums.trained, c).toFixed(2)} vs untrained ${mean(sums.untrained, c).toFixed(2)}`).join('; ')}\n`);
  for (const c of COLUMNS) expect({ column: c, beats: mean(sums.trained, c) > mean(sums.untrained, c) }).toEqual({ column: c, beats: true });
}

(real.dir === undefined ? test : test.skip)('HOW at --profile smoke beats its untrained backbone on SfM-val, ROxf M / H and RPar M / H, mean of three seeds (generated gnd structure)', () => trainedBeatsUntrained('generated'), 900_000);

real.test('HOW at --profile smoke beats its untrained backbone on SfM-val, ROxf M / H and RPar M / H, mean of three seeds (real gnd structure)', () => trainedBeatsUntrained('real'), 900_000);
