/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, SeededRng } from '@descbench/core';
import { encodeNpy, type RevisitopGnd } from '@descbench/datasets';
import { loadRevisitopFeatures } from './features-in';
import { retrieve } from './retrieve';

/** 20 database images, 3 queries (query q's positives: images 3q..3q+2), 400 distractors, D = 16. */
const D = 16;
const NDB = 20;
const NQ = 3;
const ND = 400;
const gnd: RevisitopGnd = {
  imlist: Array.from({ length: NDB }, (_, i) => `im${i}`),
  qimlist: Array.from({ length: NQ }, (_, q) => `q${q}`),
  gnd: Array.from({ length: NQ }, (_, q) => ({ bbx: [0, 0, 1, 1], easy: [3 * q, 3 * q + 1], hard: [3 * q + 2], junk: [] })),
};

describe('R1M-style distractors: streamed into float16, searched beside the float32 database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'features-in-'));
    const rng = new SeededRng(3);
    const proto = Array.from({ length: NQ }, () => Float32Array.from({ length: D }, () => rng.normal()));
    const near = (q: number, s: number) => Float32Array.from(proto[q]!, (v) => v + s * rng.normal());
    const db = new Float32Array(NDB * D);
    for (let i = 0; i < NDB; i++) db.set(i < 3 * NQ ? near(Math.floor(i / 3), 0.4) : near(i % NQ, 3), i * D);
    const qs = new Float32Array(NQ * D);
    for (let q = 0; q < NQ; q++) qs.set(near(q, 0.2), q * D);
    const dis = Float32Array.from({ length: ND * D }, () => rng.normal() * 5);
    const disT = Float32Array.from({ length: ND * D }, (_, e) => dis[(e % ND) * D + Math.floor(e / ND)]!);
    writeFileSync(join(dir, 'db.npy'), encodeNpy({ data: db, shape: [NDB, D] }));
    writeFileSync(join(dir, 'q.npy'), encodeNpy({ data: qs, shape: [NQ, D] }));
    writeFileSync(join(dir, 'r1m.npy'), encodeNpy({ data: dis, shape: [ND, D] }));
    writeFileSync(join(dir, 'r1m-cols.npy'), encodeNpy({ data: disT, shape: [D, ND] }));
    const bytes = encodeNpy({ data: dis, shape: [ND, D] });
    writeFileSync(join(dir, 'r1m-truncated.npy'), bytes.subarray(0, bytes.length - 64));
    writeFileSync(join(dir, 'r1m-d8.npy'), encodeNpy({ data: dis, shape: [2 * ND, 8] }));
    const nan = Float32Array.from(dis);
    nan[17 * D + 2] = NaN;
    writeFileSync(join(dir, 'r1m-nan.npy'), encodeNpy({ data: nan, shape: [ND, D] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const src = () => ({ kind: 'npy' as const, db: join(dir, 'db.npy'), queries: join(dir, 'q.npy') });

  it('[N, D] and [D, N] distractor files give the same float16 store and the same full ranking', async () => {
    const rows = loadRevisitopFeatures(src(), gnd, { file: join(dir, 'r1m.npy') });
    const cols = loadRevisitopFeatures(src(), gnd, { file: join(dir, 'r1m-cols.npy'), layout: 'columns' });
    expect(rows.distractors!.count).toBe(ND);
    expect(rows.distractors!.blocks.every((b) => b instanceof Uint16Array)).toBe(true);
    expect(cols.distractors!.blocks).toEqual(rows.distractors!.blocks);
    const plain = await retrieve({ gnd, features: loadRevisitopFeatures(src(), gnd), method: 'first' });
    const a = await retrieve({ gnd, features: rows, method: 'first' });
    const b = await retrieve({ gnd, features: cols, method: 'first', engine: 'js' });
    expect(a.dbSize).toBe(NDB + ND);
    expect(Array.from(a.ranks)).toEqual(Array.from(b.ranks));
    expect(new Set(a.ranks.subarray(0, (NDB + ND) * NQ)).size).toBe(NDB + ND);
    // distractors can only push positives down
    expect(a.scores.medium.map).toBeLessThanOrEqual(plain.scores.medium.map);
  });

  it('bad distractor files: InputError naming the file and the reason', () => {
    const err = (file: string, o: { layout?: 'rows' | 'columns' } = {}): string => {
      try {
        loadRevisitopFeatures(src(), gnd, { file: join(dir, file), ...o });
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err('r1m-truncated.npy')).toMatch(/r1m-truncated\.npy.*truncated \.npy: shape \(400, 16\) of <f4 needs 25600 data bytes, the file has 25536/);
    expect(err('r1m-d8.npy')).toMatch(/r1m-d8\.npy.*distractor dimension 8 \(layout rows\), the dataset's descriptors have 16/);
    expect(err('r1m-nan.npy')).toMatch(/r1m-nan\.npy.*non-finite value NaN at descriptor 17, component 2/);
    expect(err('r1m.npy', { layout: 'columns' })).toMatch(/distractor dimension 400 \(layout columns\)/);
  });
});
