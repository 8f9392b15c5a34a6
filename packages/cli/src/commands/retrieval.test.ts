/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePickle, generateRevisitopFeatures, generateRevisitopGnd, NumpyArray } from '@descbench/datasets';
import { bench } from '../__fixtures__/run-bench';

describe('bench roxf / rpar: bad input', () => {
  test('a feature pickle that does not fit the ground truth: the file and the reason, exit 2, no results', async () => {
    const root = mkdtempSync(join(tmpdir(), 'descbench-roxf-'));
    generateRevisitopFeatures(join(root, 'revisitop'), { name: 'roxford5k', gnd: generateRevisitopGnd('roxford5k', { images: 40, queries: 5 }), types: ['r-gem'] });
    mkdirSync(join(root, 'revisitop', 'roxford5k', 'features'), { recursive: true });
    const file = join(root, 'revisitop', 'roxford5k', 'features', 'r-mac-w.pkl');
    writeFileSync(file, encodePickle({ db: new NumpyArray(new Float32Array(8 * 40).fill(0.1), [8, 40]), query: new NumpyArray(new Float32Array(8 * 4), [8, 4]) }));
    const r = await bench('roxf', '--data', 'real', '--rows', 'r-mac-w', '--data-dir', root, '--results-dir', join(root, 'results'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}: 'query' holds 4 descriptors, the ground truth has 5`);
    expect(r.out).toBe('');
  });

  test('--data real without the dataset names the fetch command', async () => {
    const root = mkdtempSync(join(tmpdir(), 'descbench-rpar-'));
    const r = await bench('rpar', '--data', 'real', '--data-dir', root);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/revisited rparis6k is missing under .*; fetch it with: pnpm bench fetch rparis6k/);
  });
});
