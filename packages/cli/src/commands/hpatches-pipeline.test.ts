/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedFiles } from '../../../core/src/__fixtures__/shared';
import { bench } from '../__fixtures__/run-bench';

const shared = sharedFiles('hpatches-extract -> describe --format hpatches-csv -> eval-hpatches on v_churchill', [
  'data/hpatches/sequences/v_churchill/1.ppm',
  'data/hpatches/tasks/splits.json',
  'weights/tfeat/tfeat-liberty.params',
]);

shared.describe('the HPatches pipeline from a sequence folder (real v_churchill, TFeat liberty weights)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-hpatches-pipeline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('extracts, describes and evaluates the sequences present; retrieval says what it lacks', async () => {
    const seq = shared.path('data/hpatches/sequences/v_churchill');
    const patches = join(dir, 'patches');
    const descr = join(dir, 'descr');
    let r = await bench('hpatches-extract', '--sequences', seq, '--out', patches, '--max-patches', '60');
    expect(r.code).toBe(0);
    expect(readdirSync(join(patches, 'v_churchill')).sort()).toHaveLength(16);
    r = await bench('hpatches-extract', '--sequences', seq, '--out', patches, '--json');
    expect(JSON.parse(r.out).skipped).toEqual(['v_churchill']);

    r = await bench('describe', '--model', 'tfeat', '--weights', shared.path('weights/tfeat/tfeat-liberty.params'), '--format', 'hpatches-csv', '--input', patches, '--out', descr, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ described: ['v_churchill'], dim: 128 });
    expect(existsSync(join(descr, 'v_churchill', 't5.csv'))).toBe(true);
    r = await bench('describe', '--model', 'tfeat', '--weights', shared.path('weights/tfeat/tfeat-liberty.params'), '--format', 'hpatches-csv', '--input', patches, '--out', descr, '--json');
    expect(JSON.parse(r.out)).toMatchObject({ described: [], skipped: ['v_churchill'] });

    const tasksDir = shared.path('data/hpatches/tasks');
    r = await bench('eval-hpatches', '--descriptors', descr, '--tasks-dir', tasksDir, '--split', 'full', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing sequence .* of split full \(115 of 116 missing; --only-present/);
    r = await bench('eval-hpatches', '--descriptors', descr, '--tasks-dir', tasksDir, '--split', 'full', '--only-present', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/evaluating the 1 of 116 sequences of split full present in .*: v_churchill/);
    const j = JSON.parse(r.out);
    expect(j.sequences).toEqual(['v_churchill']);
    expect(j.verification.pairs).toBe('drawn');
    expect(j.verification.mAP).toBeGreaterThan(0);
    expect(j.matching.view).toBeGreaterThan(0);
    expect(j.matching.illum).toBeUndefined();
    expect(j.skipped.retrieval).toMatch(/retr_queries_split-full\.csv/);
  });

  it('bad sequences: a missing image, a homography that is not 3x3 or singular (exit 2, file and line)', async () => {
    const bad = join(dir, 'bad', 'v_bad');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(bad, { recursive: true });
    const seq = shared.path('data/hpatches/sequences/v_churchill');
    for (const f of ['1.ppm', '2.ppm', '3.ppm', '4.ppm', '5.ppm', 'H_1_2', 'H_1_3', 'H_1_4', 'H_1_5', 'H_1_6']) copyFileSync(join(seq, f), join(bad, f));
    const run = (): Promise<{ code: number; out: string; err: string }> => bench('hpatches-extract', '--sequences', bad, '--out', join(dir, 'bad-out'));
    let r = await run();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/v_bad\/6\.ppm: missing image 6\.ppm/);
    copyFileSync(join(seq, '6.ppm'), join(bad, '6.ppm'));
    writeFileSync(join(bad, 'H_1_4'), '1 0 0\n0 1 0\n');
    r = await run();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/H_1_4:3: a homography has 3 rows, found 2/);
    writeFileSync(join(bad, 'H_1_4'), '1 0 0\n0 1 0 5\n0 0 1\n');
    r = await run();
    expect(r.err).toMatch(/H_1_4:2: a homography row has 3 numbers, found 4/);
    writeFileSync(join(bad, 'H_1_4'), '1 2 0\n2 4 0\n0 0 1\n');
    r = await run();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/H_1_4: singular homography/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'bad-out', 'v_bad'))).toBe(false);
  });
});
