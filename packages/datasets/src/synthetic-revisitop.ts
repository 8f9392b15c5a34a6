import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SeededRng } from '@descbench/core';
import { encodeNpy } from './formats/npy';
import { randomUnitVector } from './random-unit-vector';
import { encodePickle } from './pickle-writer';

/**
 * Generated revisitop-style retrieval data: `<root>/<name>/gnd_<name>.pkl` (the official dict:
 * `imlist`, `qimlist`, `gnd` = [{bbx, easy, hard, junk}], written with our plain-data pickle
 * writer) and global descriptors `<root>/<name>/features/{db,queries,distractors}.npy`
 * (float32, `[N, D]`, rows L2-normalised).
 *
 * Model: `landmarks` random unit directions. A database image shows one landmark with a
 * visibility v in (0, 1] (or no landmark: background); its descriptor is
 * normalise(v * c + s * noise). For each query (a landmark), images of that landmark are easy if
 * v > 2/3, hard if 1/3 < v <= 2/3 and junk otherwise, as revisitop's annotation levels.
 * `difficulty` in [0, 1] raises the noise s = 0.25 + 1.25 * difficulty.
 */
export interface SyntheticRevisitopOptions {
  name?: string;
  images?: number;
  queries?: number;
  landmarks?: number;
  dim?: number;
  /** R1M-style distractor descriptors (background only), default 0. */
  distractors?: number;
  difficulty?: number;
  seed?: number;
}

export interface SyntheticRevisitopSummary {
  dir: string;
  gndFile: string;
  featureFiles: { db: string; queries: string; distractors?: string };
}

function writeRow(out: Float32Array, row: number, v: Float64Array): void {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) out[row * v.length + i] = v[i]! / n;
}

export function generateSyntheticRevisitop(root: string, o: SyntheticRevisitopOptions = {}): SyntheticRevisitopSummary {
  const name = o.name ?? 'rsynth';
  const N = o.images ?? 500;
  const Q = o.queries ?? 20;
  const L = o.landmarks ?? Math.max(1, Math.min(Q, 10));
  const D = o.dim ?? 64;
  const nd = o.distractors ?? 0;
  const diff = o.difficulty ?? 0.3;
  if (diff < 0 || diff > 1) throw new RangeError(`difficulty must be in [0, 1], got ${diff}`);
  if (N < 1 || Q < 1 || D < 2) throw new RangeError('need images >= 1, queries >= 1, dim >= 2');
  const s = 0.25 + 1.25 * diff;
  const rng = new SeededRng(o.seed ?? 0);
  const centers = Array.from({ length: L }, () => randomUnitVector(rng, D));
  const landmarkOf = new Int32Array(N);
  const vis = new Float64Array(N);
  const db = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    const bg = rng.float() < 0.4;
    landmarkOf[i] = bg ? -1 : rng.int(0, L - 1);
    vis[i] = bg ? 0 : 0.05 + 0.95 * rng.float();
    const v = new Float64Array(D);
    const c = bg ? undefined : centers[landmarkOf[i]!];
    for (let k = 0; k < D; k++) v[k] = (c ? vis[i]! * c[k]! : 0) + s * rng.normal() / Math.sqrt(D) * 2;
    writeRow(db, i, v);
  }
  const qs = new Float32Array(Q * D);
  const gnd: { bbx: number[]; easy: number[]; hard: number[]; junk: number[] }[] = [];
  for (let q = 0; q < Q; q++) {
    const l = q % L;
    const v = new Float64Array(D);
    for (let k = 0; k < D; k++) v[k] = centers[l]![k]! + 0.2 * s * rng.normal() / Math.sqrt(D) * 2;
    writeRow(qs, q, v);
    const easy: number[] = [];
    const hard: number[] = [];
    const junk: number[] = [];
    for (let i = 0; i < N; i++) {
      if (landmarkOf[i] !== l) continue;
      if (vis[i]! > 2 / 3) easy.push(i);
      else if (vis[i]! > 1 / 3) hard.push(i);
      else junk.push(i);
    }
    const x1 = Math.round(rng.float() * 300 * 10) / 10;
    const y1 = Math.round(rng.float() * 200 * 10) / 10;
    gnd.push({ bbx: [x1, y1, x1 + 200 + Math.round(rng.float() * 400), y1 + 200 + Math.round(rng.float() * 300)], easy, hard, junk });
  }
  const pad = (i: number): string => String(i).padStart(6, '0');
  const tmp = join(dirname(root), `.${basename(root)}.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(join(tmp, 'features'), { recursive: true });
    writeFileSync(
      join(tmp, `gnd_${name}.pkl`),
      encodePickle({
        imlist: Array.from({ length: N }, (_, i) => `${name}_${pad(i)}`),
        qimlist: Array.from({ length: Q }, (_, q) => `${name}_query_${pad(q)}`),
        gnd: gnd.map((g) => ({ bbx: Float64Array.from(g.bbx), easy: g.easy, hard: g.hard, junk: g.junk })),
      }),
    );
    writeFileSync(join(tmp, 'features', 'db.npy'), encodeNpy({ data: db, shape: [N, D] }));
    writeFileSync(join(tmp, 'features', 'queries.npy'), encodeNpy({ data: qs, shape: [Q, D] }));
    if (nd > 0) {
      const dd = new Float32Array(nd * D);
      for (let i = 0; i < nd; i++) writeRow(dd, i, Float64Array.from({ length: D }, () => rng.normal()));
      writeFileSync(join(tmp, 'features', 'distractors.npy'), encodeNpy({ data: dd, shape: [nd, D] }));
    }
    const dir = join(root, name);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    renameSync(tmp, dir);
    const f = join(dir, 'features');
    return {
      dir,
      gndFile: join(dir, `gnd_${name}.pkl`),
      featureFiles: nd > 0 ? { db: join(f, 'db.npy'), queries: join(f, 'queries.npy'), distractors: join(f, 'distractors.npy') } : { db: join(f, 'db.npy'), queries: join(f, 'queries.npy') },
    };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
