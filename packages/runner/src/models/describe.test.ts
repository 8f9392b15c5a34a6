/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBmp8, readNpy, writeNpy } from '@descbench/datasets';
import { checkpointPaths, describeCheckpointKey, describePatches } from './describe';

const tmp = mkdtempSync(join(tmpdir(), 'descbench-describe-'));
const tile = join(tmp, 'patches0000.bmp');
writeFileSync(tile, encodeBmp8({ width: 1024, height: 1024, pixels: Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 31 + (i >> 9)) & 255) }));

test('describe resumes from a matching checkpoint and removes it when done', async () => {
  const out = join(tmp, 'd.npy');
  const o = { model: 'l2net', input: tile, out, limit: 12, batchSize: 4, progress: false };
  const full = await describePatches(o);
  const want = readNpy(out).data as Float32Array;
  expect(full.count).toBe(12);
  // plant a checkpoint claiming the first 8 rows are done, with marker values
  const ck = checkpointPaths(out);
  const planted = new Float32Array(12 * 128);
  planted.fill(7, 0, 8 * 128);
  writeNpy(ck.data, { data: planted, shape: [12, 128] });
  writeFileSync(ck.meta, JSON.stringify({ key: describeCheckpointKey(o, 12, 128, 'onnx'), done: 8 }));
  await describePatches(o);
  const got = readNpy(out).data as Float32Array;
  expect([...got.subarray(0, 8 * 128)].every((v) => v === 7)).toBe(true);
  expect([...got.subarray(8 * 128)]).toEqual([...want.subarray(8 * 128)]);
  expect(existsSync(ck.data) || existsSync(ck.meta)).toBe(false);
  // a checkpoint of other settings is ignored
  writeNpy(ck.data, { data: planted, shape: [12, 128] });
  writeFileSync(ck.meta, JSON.stringify({ key: describeCheckpointKey({ ...o, model: 'sosnet' }, 12, 128, 'onnx'), done: 8 }));
  await describePatches(o);
  expect([...(readNpy(out).data as Float32Array)]).toEqual([...want]);
});
