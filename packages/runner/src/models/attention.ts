import { dirname, resolve } from 'node:path';
import { InputError, ensureDir, writeFileAtomicSync } from '@descbench/core';
import { encodePngGray, readPngGray, resizePatches } from '@descbench/datasets';
import { soaAttention, type AttentionMap } from '@descbench/models';
import { announceRandomWeights } from './random-weights';

export interface AttentionOptions {
  model: string;
  weights?: string;
  /** A grey PNG of one patch: 32x32, 64x64 (box2x2) or 65x65 (HPatches, pil-antialias). */
  input: string;
  /** Query pixel in the input image's coordinates. */
  at: { x: number; y: number };
  out: string;
  seed?: number;
}

export interface AttentionResult {
  out: string;
  query: { x: number; y: number };
  blocks: { after: number; grid: number; cell: { col: number; row: number }; maxWeight: number; argmax: { col: number; row: number } }[];
}

/** Parse `x,y` (non-negative integers). */
export function parseAt(s: string): { x: number; y: number } {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(s);
  if (m === null) throw new InputError(`expected --at x,y with non-negative integers, got "${s}"`, { at: '--at' });
  return { x: Number(m[1]), y: Number(m[2]) };
}

const PANEL = 128;

/**
 * `bench attention` (SOLAR Fig. 1): where each SOA block of a `sosnet+soa*` model attends from one
 * query point of a patch. Writes a grey PNG of panels `[patch with the query marked | attention of
 * SOA_i ...]`, each 128x128 (attention weights scaled to their maximum, nearest upsampling).
 */
export async function attentionMaps(o: AttentionOptions): Promise<AttentionResult> {
  announceRandomWeights(o.model, o.weights, o.seed, 'the attention maps (not SOLAR Fig. 1)');
  ensureDir(dirname(resolve(o.out)));
  const img = readPngGray(o.input);
  if (img.width !== img.height || ![32, 64, 65].includes(img.width)) {
    throw new InputError(`patch is ${img.width}x${img.height}; expected 32x32, 64x64 or 65x65`, { file: o.input });
  }
  const S = img.width;
  if (o.at.x >= S || o.at.y >= S) throw new InputError(`query point (${o.at.x}, ${o.at.y}) is outside the ${S}x${S} patch`, { at: '--at' });
  const p32 = S === 32 ? img.pixels : resizePatches(img.pixels, 1, S, 32, S === 64 ? 'box2x2' : 'pil-antialias');
  const x = Math.min(31, Math.floor((o.at.x * 32) / S));
  const y = Math.min(31, Math.floor((o.at.y * 32) / S));
  const maps = await soaAttention(o.model, Float32Array.from(p32, (v) => v / 255), x, y, {
    ...(o.weights !== undefined ? { weights: o.weights } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  });
  const panels = [patchPanel(p32, x, y), ...maps.map(attentionPanel)];
  const W = panels.length * PANEL + (panels.length - 1) * 4;
  const pixels = new Uint8Array(W * PANEL).fill(255);
  panels.forEach((p, k) => {
    for (let r = 0; r < PANEL; r++) pixels.set(p.subarray(r * PANEL, (r + 1) * PANEL), r * W + k * (PANEL + 4));
  });
  writeFileAtomicSync(o.out, encodePngGray({ width: W, height: PANEL, pixels }));
  return {
    out: o.out,
    query: o.at,
    blocks: maps.map((m) => {
      const i = m.weights.reduce((b, v, j, a) => (v > a[b]! ? j : b), 0);
      return { after: m.after, grid: m.grid, cell: m.query, maxWeight: m.weights[i]!, argmax: { col: i % m.grid, row: Math.floor(i / m.grid) } };
    }),
  };
}

function patchPanel(p32: Uint8Array, qx: number, qy: number): Uint8Array {
  const s = PANEL / 32;
  const out = new Uint8Array(PANEL * PANEL);
  for (let r = 0; r < PANEL; r++) for (let c = 0; c < PANEL; c++) out[r * PANEL + c] = p32[Math.floor(r / s) * 32 + Math.floor(c / s)]!;
  // a cross at the query pixel, black on white outline
  const cy = qy * s + s / 2;
  const cx = qx * s + s / 2;
  for (let d = -6; d <= 6; d++) {
    for (const [r, c] of [
      [cy + d, cx],
      [cy, cx + d],
    ] as const) {
      if (r >= 0 && r < PANEL && c >= 0 && c < PANEL) out[r * PANEL + c] = Math.abs(d) <= 1 ? 255 : 0;
    }
  }
  return out;
}

function attentionPanel(m: AttentionMap): Uint8Array {
  const max = Math.max(...m.weights);
  const s = PANEL / m.grid;
  const out = new Uint8Array(PANEL * PANEL);
  for (let r = 0; r < PANEL; r++) {
    for (let c = 0; c < PANEL; c++) out[r * PANEL + c] = Math.round((255 * m.weights[Math.floor(r / s) * m.grid + Math.floor(c / s)]!) / (max || 1));
  }
  return out;
}
