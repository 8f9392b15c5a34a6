import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SeededRng } from '@descbench/core';
import { HPATCHES_NOISE_LEVELS, HPATCHES_PATCH_SIZE } from './hpatches';
import { HPATCHES_JITTER, drawJitter } from './hpatches-extract';
import { encodePngGray } from './image-io';
import { makeSceneTexture, renderView, type Illumination } from './synthetic-texture';

/**
 * Generated HPatches-format data: `<root>/hpatches-release/<seq>/{ref,e1..e5,h1..h5,t1..t5}.png`
 * and `<root>/tasks/{splits.json, retr_queries_split-a.csv, retr_distractors_split-a.csv}`.
 *
 * Each sequence is a procedural scene texture. Reference patches are square regions (half-side
 * 5 sigma, random position, scale and orientation). Target image k of an `i_` sequence changes
 * the illumination (gain, bias, gamma, noise); of a `v_` sequence it adds a residual local affine
 * distortion (what a homography does not explain: non-planarity, resampling) and blur-free noise.
 * On top, every e/h/t patch gets the HPatches affine jitter at that level (`HPATCHES_JITTER`).
 */
export interface SyntheticHPatchesOptions {
  /** Number of sequences (default 6: half `i_`, half `v_`). */
  sequences?: number;
  /** Patches per sequence (default 50). */
  patches?: number;
  seed?: number;
}

export interface SyntheticHPatchesSummary {
  root: string;
  releaseDir: string;
  tasksDir: string;
  sequences: string[];
}

const ROT = (a: number): [number, number, number, number] => [Math.cos(a), -Math.sin(a), Math.sin(a), Math.cos(a)];
function mul2(a: readonly number[], b: readonly number[]): [number, number, number, number] {
  return [a[0]! * b[0]! + a[1]! * b[2]!, a[0]! * b[1]! + a[1]! * b[3]!, a[2]! * b[0]! + a[3]! * b[2]!, a[2]! * b[1]! + a[3]! * b[3]!];
}

/** Write generated HPatches data under `root` (built in a temporary sibling folder, renamed at the end). */
export function generateSyntheticHPatches(root: string, o: SyntheticHPatchesOptions = {}): SyntheticHPatchesSummary {
  const nSeq = o.sequences ?? 6;
  const nPatch = o.patches ?? 50;
  if (nSeq < 2) throw new RangeError('need at least 2 sequences');
  if (nPatch < 1) throw new RangeError('need at least 1 patch per sequence');
  const rng = new SeededRng(o.seed ?? 0);
  const tmp = join(dirname(root), `.${basename(root)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const P = HPATCHES_PATCH_SIZE;
  const half = (P - 1) / 2;
  const names: string[] = [];
  try {
    for (let s = 0; s < nSeq; s++) {
      const illum = s % 2 === 0;
      const name = `${illum ? 'i' : 'v'}_gen${String(s).padStart(3, '0')}`;
      names.push(name);
      const tex = makeSceneTexture(rng.fork(500 + s).int(0, 0x7fffffff), 512);
      const frames = Array.from({ length: nPatch }, () => {
        const sigma = 1.5 + rng.float() * 3; // region half-side 5 sigma = 7.5..22.5 texture px
        const r = 5 * sigma;
        return { cx: 30 + r + rng.float() * (512 - 60 - 2 * r), cy: 30 + r + rng.float() * (512 - 60 - 2 * r), A: ROT(rng.float() * 2 * Math.PI).map((v) => v * r) };
      });
      const base: Illumination = { gain: 1, bias: 0, gamma: 1, noise: 2 };
      const images = new Map<string, Uint8Array>();
      const ref = new Uint8Array(nPatch * P * P);
      frames.forEach((f, i) => renderView(tex, P, f.cx, f.cy, f.A.map((v) => v / half) as [number, number, number, number], base, rng.int(1, 1e9), ref, i * P * P));
      images.set('ref', ref);
      for (let k = 1; k <= 5; k++) {
        // per-image change, shared by all patches of the image
        const light: Illumination = illum
          ? { gain: 0.5 + rng.float(), bias: (rng.float() * 2 - 1) * 40, gamma: 0.6 + rng.float() * 0.8, noise: 4 }
          : { gain: 0.9 + rng.float() * 0.2, bias: (rng.float() * 2 - 1) * 10, gamma: 1, noise: 4 };
        const view = illum ? 0 : 0.03 * k; // residual distortion grows along the sequence
        for (const lv of HPATCHES_NOISE_LEVELS) {
          const out = new Uint8Array(nPatch * P * P);
          const jr = rng.fork(s * 1000 + k * 10 + HPATCHES_NOISE_LEVELS.indexOf(lv));
          frames.forEach((f, i) => {
            const j = drawJitter(HPATCHES_JITTER[lv], jr);
            const resid: [number, number, number, number] = [1 + (jr.float() * 2 - 1) * view, (jr.float() * 2 - 1) * view, (jr.float() * 2 - 1) * view, 1 + (jr.float() * 2 - 1) * view];
            const M = mul2(resid, j.m);
            const A = mul2(f.A, M);
            const cx = f.cx + f.A[0]! * j.t[0] + f.A[1]! * j.t[1];
            const cy = f.cy + f.A[2]! * j.t[0] + f.A[3]! * j.t[1];
            renderView(tex, P, cx, cy, A.map((v) => v / half) as [number, number, number, number], light, jr.int(1, 1e9), out, i * P * P);
          });
          images.set(`${lv}${k}`, out);
        }
      }
      const dir = join(tmp, 'hpatches-release', name);
      mkdirSync(dir, { recursive: true });
      for (const [im, data] of images) writeFileSync(join(dir, `${im}.png`), encodePngGray({ width: P, height: P * nPatch, pixels: data }));
    }
    // Splits in the benchmark's format: a/b/c test+train, illum, view, full.
    const nTest = Math.max(1, Math.round((nSeq * 40) / 116));
    const splits: Record<string, { name: string; test: string[]; train?: string[] }> = {};
    for (const key of ['a', 'b', 'c']) {
      const order = rng.fork(key.charCodeAt(0)).shuffle([...names]);
      const test = order.slice(0, nTest).sort();
      splits[key] = { name: key, test, train: names.filter((n) => !test.includes(n)) };
    }
    splits.illum = { name: 'illum', test: names.filter((n) => n.startsWith('i_')) };
    splits.view = { name: 'view', test: names.filter((n) => n.startsWith('v_')) };
    splits.full = { name: 'full', test: [...names] };
    const tasks = join(tmp, 'tasks');
    mkdirSync(tasks, { recursive: true });
    writeFileSync(join(tasks, 'splits.json'), JSON.stringify(splits));
    // Retrieval lists for split a: queries = some ref patches of test sequences; distractors = the other ref patches of all sequences.
    const qr = rng.fork(99);
    const queries: string[] = ['s,idx'];
    const isQuery = new Set<string>();
    for (const sq of splits.a!.test) {
      for (let i = 0; i < nPatch; i++) {
        if (qr.float() < 0.3) {
          queries.push(`${sq},${i}`);
          isQuery.add(`${sq},${i}`);
        }
      }
    }
    const distractors: string[] = ['s,idx'];
    for (const sq of names) for (let i = 0; i < nPatch; i++) if (!isQuery.has(`${sq},${i}`)) distractors.push(`${sq},${i}`);
    writeFileSync(join(tasks, 'retr_queries_split-a.csv'), queries.join('\n') + '\n');
    writeFileSync(join(tasks, 'retr_distractors_split-a.csv'), distractors.join('\n') + '\n');
    if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    mkdirSync(dirname(root), { recursive: true });
    renameSync(tmp, root);
    return { root, releaseDir: join(root, 'hpatches-release'), tasksDir: join(root, 'tasks'), sequences: names };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
