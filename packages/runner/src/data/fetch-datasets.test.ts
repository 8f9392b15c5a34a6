import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '@descbench/core';
import { fetchDatasets } from './fetch-datasets';

describe('fetchDatasets (runner)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'descbench-rf-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('lists the catalog with presence under --data-dir', async () => {
    const r = await fetchDatasets({ datasets: [], list: true, dataDir: root });
    expect(r.root).toBe(root);
    expect(r.status.find((s) => s.name === 'ubc-liberty')).toMatchObject({ present: false, dir: join(root, 'phototour', 'liberty') });
  });
  it('bad names are InputErrors (exit 2)', async () => {
    const e = await fetchDatasets({ datasets: ['nope'], dataDir: root }).catch((x: unknown) => x);
    expect(isInputError(e)).toBe(true);
    const e2 = await fetchDatasets({ datasets: [], dataDir: root }).catch((x: unknown) => x);
    expect((e2 as Error).message).toMatch(/name at least one dataset/);
  });
});
