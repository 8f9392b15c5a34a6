/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sharedFiles } from '../../../core/src/__fixtures__/shared';
import { demoCsv, demoSpec, writeBenchmarks } from '../__fixtures__/write-table';
import { loadCatalog } from '../tables/catalog';
import { auditCheck } from './audit-check';
import { exactCheck } from './exact-check';
import { goldenChecks } from './golden-check';
import { baselineFile, replayCheck, type CiReplay } from './replay-check';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'descbench-ci-'));
const repoBenchmarks = resolve(__dirname, '..', '..', '..', '..', 'benchmarks');
const committedBaselines = resolve(repoBenchmarks, '..', 'results', 'baselines');

describe('bench ci: audit against the pinned findings', () => {
  test('pinned findings pass; an edited reference cell fails naming table, row and column; a vanished finding fails too', () => {
    const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv.replace(',1.50', ',1.60') }]);
    const ctx = { baselinesDir: scratch(), update: false };
    expect(auditCheck(loadCatalog(root), { ...ctx, update: true })).toMatchObject({ verdict: 'updated', cells: 1 });
    expect(auditCheck(loadCatalog(root), ctx)).toMatchObject({ verdict: 'pass', failures: [] });
    writeFileSync(join(root, 'demo/table1/reference.csv'), demoCsv.replace(',1.50', ',1.60').replace('y,Y,200,3.00', 'y,Y,200,3.40'));
    const edited = auditCheck(loadCatalog(root), ctx);
    expect(edited.verdict).toBe('fail');
    expect(edited.failures).toEqual(['new: demo/table1 row y column mean_fpr95_pct (row-mean #0): stated 2.01, computed 2.205']);
    writeFileSync(join(root, 'demo/table1/reference.csv'), demoCsv);
    expect(auditCheck(loadCatalog(root), ctx).failures).toEqual(['gone: demo/table1 row x column mean_fpr95_pct (row-mean #0): stated 1.60, computed 1.5']);
  });

  test('the committed pins match the committed tables', () => {
    expect(auditCheck(loadCatalog(repoBenchmarks), { baselinesDir: committedBaselines, update: false })).toMatchObject({ verdict: 'pass', cells: 21 });
  });
});

describe('bench ci: exact invariants', () => {
  const saved = process.env.DESCBENCH_BENCHMARKS;
  afterEach(() => {
    if (saved === undefined) delete process.env.DESCBENCH_BENCHMARKS;
    else process.env.DESCBENCH_BENCHMARKS = saved;
  });

  test('SOLAR Table 2 and Extra Params: equal or a pinned known difference; an edited reference CSV cell fails naming it', () => {
    // exactValues builds every zoo network's parameter table: a few seconds on a loaded machine
    process.env.DESCBENCH_BENCHMARKS = repoBenchmarks;
    const ok = exactCheck({ baselinesDir: committedBaselines, update: false });
    // Table 2 (7 layers) for each L2-Net-bodied network of the zoo, Extra Params for the 9 printed SOA rows
    expect(ok).toMatchObject({ verdict: 'pass', failures: [], note: expect.stringMatching(/^\d+ equal, \d+ known differences \(\d+ models\)/) });
    const bodies = (ok.cells - 9) / 7;
    expect(Number.isInteger(bodies) && bodies >= 20).toBe(true);
    const copy = join(scratch(), 'benchmarks');
    cpSync(repoBenchmarks, copy, { recursive: true });
    const t2 = join(copy, 'solar-supp/table2/reference.csv');
    const text = readFileSync(t2, 'utf8');
    expect(text).toContain(',18432');
    writeFileSync(t2, text.replace(',18432', ',18433'));
    process.env.DESCBENCH_BENCHMARKS = copy;
    const r = exactCheck({ baselinesDir: committedBaselines, update: false });
    expect(r.verdict).toBe('fail');
    expect(r.failures).toHaveLength(bodies);
    expect(r.failures[0]).toBe('differs, not a known difference: solar-supp/table2 row layer3 column cumulative_params_count (model l2net): ours 18432, paper 18433');
  });
});

describe('bench ci: a replay against its baseline', () => {
  const root = writeBenchmarks([{ id: 'demo/table1', spec: demoSpec, csv: demoCsv }]);
  const catalog = loadCatalog(root);
  const replay: CiReplay = { table: 'demo/table1', rows: ['x', 'y'], seeds: 3, why: 'test' };
  // what a tiny replay prints: mean and sample std over three seeds
  const results = 'row,label,a_fpr95_pct,a_fpr95_pct_std,b_fpr95_pct,b_fpr95_pct_std\nx,X,33.008,3.726,36.393,9.613\ny,Y,39.128,0.628,35.807,6.537\n';
  const run = async () => ({ csv: results });

  test('no baseline fails; --update-baselines records it and says so; then the same numbers pass', async () => {
    const ctx = { baselinesDir: scratch(), update: false };
    expect((await replayCheck(catalog, replay, run, ctx)).failures).toEqual([expect.stringMatching(/^demo\/table1: no baseline .*demo\/table1\.csv; run `bench ci --update-baselines`/)]);
    const u = await replayCheck(catalog, replay, run, { ...ctx, update: true });
    expect(u).toMatchObject({ verdict: 'updated', cells: 4, changes: [expect.stringMatching(/^new baseline /)] });
    expect(readFileSync(baselineFile(ctx.baselinesDir, 'demo/table1'), 'utf8')).toBe(results);
    const same = await replayCheck(catalog, replay, run, ctx);
    expect(same).toMatchObject({ verdict: 'pass', cells: 4, failures: [] });
    // spreads of 3.7-9.6 around 33-39 are too wide to decide at resolution 0.25: counted apart, not failed
    expect(same.note).toBe('1 within, 3 inconclusive, 0 better, 0 worse, 0 differ');
  });

  test('a baseline made stricter by hand fails naming table, row and column; updating says what changed', async () => {
    const ctx = { baselinesDir: scratch(), update: false };
    await replayCheck(catalog, replay, run, { ...ctx, update: true });
    const f = baselineFile(ctx.baselinesDir, 'demo/table1');
    writeFileSync(f, results.replace('39.128,0.628', '36.000,0.300'));
    const r = await replayCheck(catalog, replay, run, ctx);
    expect(r.verdict).toBe('fail');
    expect(r.failures).toEqual(['demo/table1 row y column a_fpr95_pct: ours 39.128 ± 0.628, baseline 36 ± 0.3, delta 3.128 beyond 1.392 (worse)']);
    const u = await replayCheck(catalog, replay, run, { ...ctx, update: true });
    expect(u.changes).toEqual(['demo/table1 row y column a_fpr95_pct: 36.000 ± 0.300 -> 39.128 ± 0.628']);
  });

  test('a replay that moves the other way (better) or loses a cell fails as well', async () => {
    const ctx = { baselinesDir: scratch(), update: false };
    await replayCheck(catalog, replay, run, { ...ctx, update: true });
    const moved = async () => ({ csv: 'row,label,a_fpr95_pct,a_fpr95_pct_std\nx,X,33.008,3.726\ny,Y,30.000,0.628\n' });
    const r = await replayCheck(catalog, replay, moved, ctx);
    expect(r.failures).toEqual([
      expect.stringMatching(/^demo\/table1 row y column a_fpr95_pct: ours 30 ± 0\.628, baseline 39\.128 ± 0\.628, .*\(better\)$/),
      'demo/table1 row x column b_fpr95_pct: in the baseline, missing from the replay',
      'demo/table1 row y column b_fpr95_pct: in the baseline, missing from the replay',
    ]);
  });
});

const shared = sharedFiles('bench ci golden checks (reference outputs through eval-pairs, eval-ranks, describe)', [
  'golden/fpr95.json',
  'golden/revisitop_protocols.json',
  'golden/tfeat_liberty_notredame0000.json',
  'weights/tfeat/tfeat-liberty.params',
  'data/phototour/notredame-sample/patches0000.bmp',
]);

shared.describe('bench ci: golden outputs', () => {
  test('fpr95 (both conventions, both tie rules), revisited E/M/H, TFeat descriptors: all pass', async () => {
    const r = await goldenChecks();
    expect(r.map((x) => [x.table, x.verdict, x.failures])).toEqual([
      ['fpr95.json', 'pass', []],
      ['revisitop_protocols.json', 'pass', []],
      ['tfeat_liberty_notredame0000.json', 'pass', []],
    ]);
    expect(r.map((x) => x.cells)).toEqual([12, 12, 64 * 128]);
  });
});

test('without ../shared the golden checks skip, naming what they need', async () => {
  const saved = process.env.DESCBENCH_SHARED;
  process.env.DESCBENCH_SHARED = '/nonexistent';
  try {
    const r = await goldenChecks();
    expect(r.map((x) => x.verdict)).toEqual(['skip', 'skip', 'skip']);
    expect(r[0]?.note).toBe('needs ../shared/golden/fpr95.json (../shared is absent)');
  } finally {
    if (saved === undefined) delete process.env.DESCBENCH_SHARED;
    else process.env.DESCBENCH_SHARED = saved;
  }
});
