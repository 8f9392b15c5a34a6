import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '@descbench/datasets';
import { sharedFiles } from '../../../core/src/__fixtures__/shared';
import { bench } from '../__fixtures__/run-bench';

const shared = sharedFiles('bench eval-ranks on the real roxford5k ground truth', ['data/revisitop/gnd_roxford5k.pkl']);

shared.describe('bench eval-ranks', () => {
  let dir = '';
  let gnd = '';
  let ranks = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-eval-ranks-'));
    gnd = shared.path('data/revisitop/gnd_roxford5k.pkl');
    // identity ranking 0..4992 for every query, revisitop layout [4993, 70]
    const data = new Int32Array(4993 * 70);
    for (let r = 0; r < 4993; r++) data.fill(r, r * 70, r * 70 + 70);
    ranks = join(dir, 'ranks.npy');
    writeNpy(ranks, { data, shape: [4993, 70] });
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('--json prints only the JSON object with fractions', async () => {
    const r = await bench('eval-ranks', '--gnd', gnd, '--ranks', ranks, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['easy', 'medium', 'hard']);
    for (const p of ['easy', 'medium', 'hard']) {
      expect(j[p].mAP).toBeGreaterThan(0);
      expect(j[p].mAP).toBeLessThan(1);
      expect(j[p]['mP@k']).toHaveLength(3);
    }
  });
  it('prints a table by default', async () => {
    const r = await bench('eval-ranks', '--gnd', gnd, '--ranks', ranks);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\| protocol \| mAP \(%\) \| mP@1 \(%\) \| mP@5 \(%\) \| mP@10 \(%\) \|/);
    expect(r.out).toMatch(/\| medium/);
  });
  it('exits 2 with a one-line message on a ranking of the wrong shape', async () => {
    const r = await bench('eval-ranks', '--gnd', gnd, '--ranks', ranks, '--layout', 'queries-x-db', '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/ranks\.npy.*does not fit the ground truth/);
  });
});

describe('bench eval-pairs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-eval-pairs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // 30 positives at distances 0.01..0.30, 10 negatives at 0.295..0.745 in steps of 0.05
  const n = 40;
  const pairs = join(dir, 'm50.txt');
  const dist = join(dir, 'd.txt');
  const lab = Array.from({ length: n }, (_, i) => (i < 30 ? 1 : 0));
  writeFileSync(pairs, lab.map((l, i) => `${i} ${i} 0 ${i + 50} ${l ? i : i + 1000} 0 0`).join('\n') + '\n');
  writeFileSync(dist, lab.map((_, i) => (i < 30 ? (i + 1) / 100 : 0.295 + (i - 30) * 0.05).toFixed(3)).join('\n') + '\n');

  it('--json prints {fpr95, convention}', async () => {
    const r = await bench('eval-pairs', '--pairs', pairs, '--distances', dist, '--json');
    expect(r.code).toBe(0);
    // ceil(0.95*30) = 29th positive at 0.29: no negative at or below it
    expect(JSON.parse(r.out)).toEqual({ fpr95: 0, convention: 'hardnet' });
    const h = await bench('eval-pairs', '--pairs', pairs, '--distances', dist, '--convention', 'hynet', '--json');
    // hynet threshold: sorted positives [ceil(28.5) = 29] = 0.30 -> one negative (0.295) below
    expect(JSON.parse(h.out)).toEqual({ fpr95: 0.1, convention: 'hynet' });
  });
  it('exits 2 on NaN distances and on too few positives for hynet', async () => {
    writeFileSync(join(dir, 'nan.txt'), lab.map((_, i) => (i === 7 ? 'nan' : '0.5')).join('\n'));
    const r = await bench('eval-pairs', '--pairs', pairs, '--distances', join(dir, 'nan.txt'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nan\.txt:8: distance of pair 7 is NaN/);
    const few = join(dir, 'few.txt');
    writeFileSync(few, lab.map((l, i) => `${i} ${i} 0 ${i + 50} ${l && i < 10 ? i : i + 1000} 0 0`).join('\n') + '\n');
    const h = await bench('eval-pairs', '--pairs', few, '--distances', dist, '--convention', 'hynet');
    expect(h.code).toBe(2);
    expect(h.err).toMatch(/few\.txt.*at least 20 positives/);
  });
});
