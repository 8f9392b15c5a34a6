import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticUbc } from './synthetic-ubc';
import { loadUbcDataset, patchAt } from './ubc-phototour';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'descbench-sub-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** HardNet input normalisation (mean, unbiased std + 1e-7) then L2 distance. */
function normalised(p: Uint8Array): Float64Array {
  let m = 0;
  for (const v of p) m += v;
  m /= p.length;
  let s = 0;
  for (const v of p) s += (v - m) ** 2;
  const sd = Math.sqrt(s / (p.length - 1)) + 1e-7;
  return Float64Array.from(p, (v) => (v - m) / sd);
}

describe('generated UBC data', () => {
  it('is in the official layout, deterministic, and matching patches look alike', () => {
    const a = generateSyntheticUbc(join(tmp, 'a'), { patches: 700, pairs: 400, seed: 3, progress: false });
    const b = generateSyntheticUbc(join(tmp, 'b'), { patches: 700, pairs: 400, seed: 3, progress: false });
    expect(a.tiles).toBe(3);
    expect(readdirSync(tmp).sort()).toEqual(['a', 'b']); // no temporary folders left
    const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');
    for (const f of readdirSync(a.dir)) expect(sha(join(a.dir, f))).toBe(sha(join(b.dir, f)));
    const c = generateSyntheticUbc(join(tmp, 'c'), { patches: 700, pairs: 400, seed: 4, progress: false });
    expect(sha(join(a.dir, 'patches0000.bmp'))).not.toBe(sha(join(c.dir, 'patches0000.bmp')));

    const ds = loadUbcDataset(a.dir, { size: 32, resize: 'box2x2', progress: false });
    expect(ds.patches.count).toBe(700);
    expect(ds.pairs!.label.length).toBe(400);
    expect(ds.pairs!.label.reduce((s, v) => s + v, 0)).toBe(200);
    // every point has >= 2 consecutive patches
    const counts = new Map<number, number>();
    ds.pointIds.forEach((p) => counts.set(p, (counts.get(p) ?? 0) + 1));
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(2);
    // A raw-pixel descriptor already separates positives from negatives well (ROC AUC), but not perfectly.
    const d: number[] = [];
    const lab: number[] = [];
    for (let i = 0; i < 400; i++) {
      const x = normalised(patchAt(ds.patches, ds.pairs!.patch1[i]!));
      const y = normalised(patchAt(ds.patches, ds.pairs!.patch2[i]!));
      let s = 0;
      for (let j = 0; j < x.length; j++) s += (x[j]! - y[j]!) ** 2;
      d.push(Math.sqrt(s));
      lab.push(ds.pairs!.label[i]!);
    }
    let wins = 0;
    let tot = 0;
    for (let i = 0; i < 400; i++) if (lab[i]) for (let j = 0; j < 400; j++) if (!lab[j]) {
      tot++;
      if (d[i]! < d[j]!) wins++;
    }
    const auc = wins / tot;
    console.log(`raw-pixel ROC AUC on generated UBC pairs: ${auc}`);
    expect(auc).toBeGreaterThan(0.7);
    expect(auc).toBeLessThan(0.995);
  });
});
