/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFeatureDict, readGlobalFeatures } from '@descbench/datasets';
import { MULTI_SCALE } from '@descbench/retrieval';
import { extractImageFeatures, type ExtractImagesOptions } from './extract-images';

/**
 * Reference: __fixtures__/image-extract/make-image-extract-fixture.py (cirtorch's protocol in
 * PyTorch 1.13 + Pillow 9.4 on its JPEGs, gnd and torch.onnx-exported backbone).
 */
const FX = join(__dirname, '__fixtures__', 'image-extract');
const expected = JSON.parse(readFileSync(join(FX, 'expected.json'), 'utf8')) as Record<string, { db: number[][]; query: number[][] }>;
const quiet = { progress: { plain: true, write: () => undefined } };

function worst(got: { data: Float32Array; count: number; dim: number }, want: number[][]): number {
  expect([got.dim, got.count]).toEqual([want.length, want[0]!.length]);
  let w = 0;
  for (let k = 0; k < got.dim; k++) for (let i = 0; i < got.count; i++) w = Math.max(w, Math.abs(got.data[i * got.dim + k]! - want[k]![i]!));
  return w;
}

async function run(o: Partial<ExtractImagesOptions>, dataDir = FX): Promise<{ db: ReturnType<typeof readGlobalFeatures>; query: ReturnType<typeof readGlobalFeatures>; resumed: number }> {
  const out = join(mkdtempSync(join(tmpdir(), 'descbench-extract-')), 'f.pkl');
  const r = await extractImageFeatures({ dataset: 'roxford5k', dataDir, backbone: join(FX, 'backbone.onnx'), pooling: 'gem', out, ...quiet, ...o });
  const f = readFeatureDict(out, ['db', 'query'], { layout: 'columns', counts: { db: 6, query: 2 } });
  expect(existsSync(`${out}.partial.bin`)).toBe(false);
  return { db: f.db!, query: f.query!, resumed: r.resumed };
}

describe("bench extract-global: cirtorch's image protocol on JPEGs with an ONNX backbone", () => {
  it.each([
    ['gem-ms-48', { pooling: 'gem', scales: MULTI_SCALE, imsize: 48 }],
    ['mac-ss-48', { pooling: 'mac', imsize: 48 }],
    ['rmac-ms-1024', { pooling: 'rmac', scales: MULTI_SCALE }],
    ['gem-ss-30', { pooling: 'gem', imsize: 30 }],
  ] as const)('%s equals PyTorch + PIL within 1e-4 (database and cropped queries)', async (key, o) => {
    const r = await run(o);
    expect(worst(r.db, expected[key]!.db)).toBeLessThan(1e-4);
    expect(worst(r.query, expected[key]!.query)).toBeLessThan(1e-4);
  });

  it('post-hoc whitening from a pickle {m, P} (whitenapply, 6 dims) equals PyTorch; learned on training descriptors gives its similarities', async () => {
    const want = expected['gem-ms-48-whitened-6']!;
    const given = await run({ scales: MULTI_SCALE, imsize: 48, whitening: join(FX, 'lw.pkl'), whitenDims: 6 });
    expect(worst(given.db, want.db)).toBeLessThan(1e-4);
    expect(worst(given.query, want.query)).toBeLessThan(1e-4);
    // learned here: eigenvector signs may differ, the query-database similarities may not
    const learned = await run({ scales: MULTI_SCALE, imsize: 48, whitenOn: join(FX, 'whiten-train.npy'), whitenDims: 6 });
    for (let q = 0; q < 2; q++) {
      for (let i = 0; i < 6; i++) {
        let s = 0;
        let t = 0;
        for (let k = 0; k < 6; k++) {
          s += learned.query.data[q * 6 + k]! * learned.db.data[i * 6 + k]!;
          t += want.query[k]![q]! * want.db[k]![i]!;
        }
        expect(Math.abs(s - t)).toBeLessThan(1e-4);
      }
    }
  });

  it('a run stopped by an undecodable image resumes from its journal (a torn last record dropped) with the same result', async () => {
    const root = mkdtempSync(join(tmpdir(), 'descbench-extract-resume-'));
    cpSync(join(FX, 'revisitop'), join(root, 'revisitop'), { recursive: true });
    const bad = join(root, 'revisitop', 'roxford5k', 'jpg', 'img_04.jpg');
    writeFileSync(bad, 'not a jpeg');
    const out = join(root, 'out', 'gem.pkl');
    const o: ExtractImagesOptions = { dataset: 'roxford5k', dataDir: root, backbone: join(FX, 'backbone.onnx'), pooling: 'gem', scales: MULTI_SCALE, imsize: 48, out, ...quiet };
    await expect(extractImageFeatures(o)).rejects.toThrow(/img_04\.jpg: not a readable JPEG/);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(`${out}.partial.bin`).length).toBe(4 * (4 + 4 * 8));
    appendFileSync(`${out}.partial.bin`, Buffer.alloc(10, 7));
    copyFileSync(join(FX, 'revisitop', 'roxford5k', 'jpg', 'img_04.jpg'), bad);
    const r = await extractImageFeatures(o);
    expect(r.resumed).toBe(4);
    const f = readFeatureDict(out, ['db', 'query'], { layout: 'columns' });
    expect(worst(f.db!, expected['gem-ms-48']!.db)).toBeLessThan(1e-4);
    expect(worst(f.query!, expected['gem-ms-48']!.query)).toBeLessThan(1e-4);
    expect(existsSync(`${out}.partial.bin`)).toBe(false);
  });

  it('.npy output: <stem>_db.npy and <stem>_query.npy as [N, D] rows', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'descbench-extract-npy-')), 'f.npy');
    const r = await extractImageFeatures({ dataset: 'roxford5k', dataDir: FX, backbone: join(FX, 'backbone.onnx'), pooling: 'mac', imsize: 48, out, ...quiet });
    expect(r.out).toEqual([out.replace('.npy', '_db.npy'), out.replace('.npy', '_query.npy')]);
    expect(worst(readGlobalFeatures(r.out[0]!, { layout: 'rows', count: 6 }), expected['mac-ss-48']!.db)).toBeLessThan(1e-4);
  });
});
