import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataManifest } from './data-manifest';
import { canonicalJson, cellKey, projectVersion } from './key';
import type { CellSpec } from './types';

const spec: CellSpec = {
  kind: 'ubc',
  table: 'hynet/table1',
  row: 'hardnet',
  columns: ['liberty_notredame_fpr95_pct', 'liberty_yosemite_fpr95_pct'],
  unit: 'train=liberty',
  seed: 1,
  settings: { profile: 'tiny', recipe: { name: 'hardnet', lr: 10 }, backend: 'wasm', data: { kind: 'synthetic', subsets: { liberty: { sha256: 'aa' } } } },
};

describe('cell keys', () => {
  test('canonical JSON sorts keys at every depth, keeps array order, refuses what JSON cannot say', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, skip: undefined })).toBe('{"a":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/no JSON form/);
  });

  test('the same spec written in another field order has the same key; every part of the spec and the version changes it', () => {
    const k = cellKey(spec, 'v1');
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    const reordered = JSON.parse(JSON.stringify({ settings: spec.settings, seed: 1, unit: spec.unit, columns: spec.columns, row: spec.row, table: spec.table, kind: spec.kind })) as CellSpec;
    expect(cellKey(reordered, 'v1')).toBe(k);
    const variants: CellSpec[] = [
      { ...spec, kind: 'other' },
      { ...spec, table: 'solar-supp/table1' },
      { ...spec, row: 'sosnet' },
      { ...spec, columns: [...spec.columns].reverse() },
      { ...spec, unit: 'train=notredame' },
      { ...spec, seed: 2 },
      { ...spec, settings: { ...spec.settings, profile: 'smoke' } },
      { ...spec, settings: { ...spec.settings, recipe: { name: 'hardnet', lr: 1 } } },
      { ...spec, settings: { ...spec.settings, backend: 'cpu' } },
      { ...spec, settings: { ...spec.settings, data: { kind: 'real', subsets: { liberty: { sha256: 'aa' } } } } },
      { ...spec, settings: { ...spec.settings, data: { kind: 'synthetic', subsets: { liberty: { sha256: 'ab' } } } } },
    ];
    const keys = new Set([k, ...variants.map((v) => cellKey(v, 'v1')), cellKey(spec, 'v2')]);
    expect(keys.size).toBe(variants.length + 2);
  });

  test('the data manifest follows file contents, and so does the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descbench-manifest-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'info.txt'), '0 0\n1 0\n');
    writeFileSync(join(dir, 'sub', 'patches0000.bmp'), Buffer.from([1, 2, 3]));
    const cache = mkdtempSync(join(tmpdir(), 'descbench-manifest-cache-'));
    const m1 = dataManifest(dir, { cacheDir: cache });
    expect(m1).toMatchObject({ files: 2, bytes: 11 });
    expect(dataManifest(dir, { cacheDir: cache })).toEqual(m1);
    const key = (m: unknown): string => cellKey({ ...spec, settings: { ...spec.settings, data: { kind: 'real', subsets: { liberty: m } } } }, 'v1');
    writeFileSync(join(dir, 'sub', 'patches0000.bmp'), Buffer.from([1, 2, 4])); // same size, new content
    const m2 = dataManifest(dir, { cacheDir: cache });
    expect(m2.sha256).not.toBe(m1.sha256);
    expect(key(m2)).not.toBe(key(m1));
    writeFileSync(join(dir, 'extra.txt'), '');
    expect(dataManifest(dir).files).toBe(3);
  });

  test('the project version is the package version + a hash of the sources, tests left out', () => {
    const root = mkdtempSync(join(tmpdir(), 'descbench-version-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ version: '9.9.9' }));
    mkdirSync(join(root, 'packages', 'core', 'src'), { recursive: true });
    writeFileSync(join(root, 'packages', 'core', 'src', 'a.ts'), 'export const a = 1;\n');
    const v1 = projectVersion(root);
    expect(v1).toMatch(/^9\.9\.9\+[0-9a-f]{16}$/);
    const other = mkdtempSync(join(tmpdir(), 'descbench-version-'));
    writeFileSync(join(other, 'package.json'), JSON.stringify({ version: '9.9.9' }));
    mkdirSync(join(other, 'packages', 'core', 'src'), { recursive: true });
    writeFileSync(join(other, 'packages', 'core', 'src', 'a.ts'), 'export const a = 2;\n');
    writeFileSync(join(other, 'packages', 'core', 'src', 'a.test.ts'), 'test');
    expect(projectVersion(other)).not.toBe(v1);
    expect(projectVersion()).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{16}$/);
  });
});
