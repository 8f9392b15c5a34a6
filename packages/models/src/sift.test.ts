import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSiftDescriptor } from './sift';

/** OpenCV 4.6 `SIFT.compute` on the same patches and keypoint frame (`scripts/opencv_sift_fixture.py`). */
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'opencv-sift.json'), 'utf8')) as {
  keypoint: { x: number; y: number; size: number; angle: number };
  patches: number[][];
  descriptors: number[][];
};

test('SIFT equals OpenCV on UBC and synthetic patches', async () => {
  expect(fixture.keypoint).toMatchObject({ x: 16, y: 16, angle: 0 });
  const n = fixture.patches.length;
  const x = new Float32Array(n * 1024);
  fixture.patches.forEach((p, i) => p.forEach((v, j) => (x[i * 1024 + j] = v / 255)));
  const d = await createSiftDescriptor().describe(x, n);
  let maxDiff = 0;
  let exact = 0;
  fixture.descriptors.forEach((row, i) =>
    row.forEach((v, j) => {
      const e = Math.abs(d[i * 128 + j]! - v);
      maxDiff = Math.max(maxDiff, e);
      if (e === 0) exact++;
    }),
  );
  // integer-valued descriptors: rounding boundaries may flip an entry by 1 (float summation order)
  expect(maxDiff).toBeLessThanOrEqual(1);
  expect(exact / (n * 128)).toBeGreaterThan(0.99);
});
