import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRng } from '@descbench/core';
import { readPatchStrip } from '../hpatches';
import { generateSyntheticHPatches } from '../synthetic-hpatches';

/** One resize case of the OpenCV fixture: `n` square uint8 patches `[n, from, from]` -> `[n, to, to]`. */
export interface ResizeCase {
  name: string;
  from: number;
  to: number;
  n: number;
  data: Uint8Array;
}

/**
 * The inputs `scripts/opencv_resize_fixture.py` resized with `cv2.resize(p, (to, to))`:
 * HPatches-format patches the project generates (2 sequences x 8 patches, seed 0; the ref, e5, h5
 * and t5 strips of each) at 65 -> 32 (HardNet's / HyNet's evaluation), and seeded noise at other
 * scales (down, non-integer, up, and exactly 2x where OpenCV switches to its area resize).
 */
export function opencvResizeCases(): ResizeCase[] {
  const dir = mkdtempSync(join(tmpdir(), 'descbench-resize-'));
  try {
    const gen = generateSyntheticHPatches(join(dir, 'hpatches'), { sequences: 2, patches: 8, seed: 0 });
    const strips: Uint8Array[] = [];
    for (const seq of ['i_gen000', 'v_gen001'])
      for (const im of ['ref', 'e5', 'h5', 't5']) strips.push(readPatchStrip(join(gen.releaseDir, seq, `${im}.png`)).data);
    const hp = new Uint8Array(strips.reduce((a, s) => a + s.length, 0));
    strips.reduce((o, s) => (hp.set(s, o), o + s.length), 0);
    const cases: ResizeCase[] = [{ name: 'generated-hpatches-65-32', from: 65, to: 32, n: hp.length / (65 * 65), data: hp }];
    const rng = new SeededRng(31);
    for (const [from, to] of [
      [65, 32],
      [64, 32],
      [97, 32],
      [50, 32],
      [33, 32],
      [32, 65],
      [31, 17],
    ] as const) {
      const n = 4;
      cases.push({ name: `noise-${from}-${to}`, from, to, n, data: Uint8Array.from({ length: n * from * from }, () => rng.int(0, 255)) });
    }
    return cases;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
