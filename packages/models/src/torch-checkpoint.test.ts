import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@descbench/core';
import { resolveWeights } from './registry';
import { loadTorchStateDict } from './torch-checkpoint';
import { sharedFiles } from '../../core/src/__fixtures__/shared';

const tmp = mkdtempSync(join(tmpdir(), 'descbench-ckpt-'));
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const shortStr = (s: string): number[] => [0x55, s.length, ...ascii(s)];

/** A hand-assembled legacy torch checkpoint: one float tensor `w` of `size`/`stride` on a storage of `numel` floats. */
function legacyCheckpoint(o: { numel: number; size: [number, number]; stride: [number, number]; global?: string; stored?: number }): Buffer {
  const magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
  const proto = [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e];
  const sys = [0x80, 0x02, 0x7d, 0x2e];
  const main = [
    0x80, 0x02, 0x63, ...ascii(`${o.global ?? 'collections\nOrderedDict'}\n`), 0x29, 0x52, 0x28,
    ...shortStr('w'),
    0x63, ...ascii('torch._utils\n_rebuild_tensor_v2\n'), 0x28,
    0x28, ...shortStr('storage'), 0x63, ...ascii('torch\nFloatStorage\n'), ...shortStr('0'), ...shortStr('cpu'), 0x4b, o.numel, 0x4e, 0x74, 0x51,
    0x4b, 0x00, 0x4b, o.size[0], 0x4b, o.size[1], 0x86, 0x4b, o.stride[0], 0x4b, o.stride[1], 0x86, 0x89, 0x4e, 0x74, 0x52,
    0x75, 0x2e,
  ];
  const keys = [0x80, 0x02, 0x5d, ...shortStr('0'), 0x61, 0x2e];
  const stored = o.stored ?? o.numel;
  const data = Buffer.alloc(8 + 4 * stored);
  data.writeBigInt64LE(BigInt(o.numel), 0);
  for (let i = 0; i < stored; i++) data.writeFloatLE(i + 0.5, 8 + 4 * i);
  return Buffer.concat([Buffer.from([...magic, ...proto, ...sys, ...main, ...keys]), data]);
}

function write(name: string, b: Buffer | Uint8Array): string {
  const f = join(tmp, name);
  writeFileSync(f, b);
  return f;
}

describe('legacy checkpoints (hand-assembled)', () => {
  test('reads a strided tensor', async () => {
    const sd = await loadTorchStateDict(write('ok.pt', legacyCheckpoint({ numel: 6, size: [2, 3], stride: [1, 2] })));
    expect(sd.get('w')!.shape).toEqual([2, 3]);
    // transposed view of [0.5 .. 5.5]: element (i, j) = storage[i + 2j]
    expect([...sd.get('w')!.data]).toEqual([0.5, 2.5, 4.5, 1.5, 3.5, 5.5]);
  });
  test('refuses a storage shorter than its shape', async () => {
    const f = write('short.pt', legacyCheckpoint({ numel: 4, size: [3, 3], stride: [3, 1] }));
    await expect(loadTorchStateDict(f)).rejects.toThrow(/shorter than its tensor: shape \[3, 3\].*needs 9 elements, has 4/);
  });
  test('refuses unknown globals without executing anything', async () => {
    const f = write('evil.pt', legacyCheckpoint({ numel: 4, size: [2, 2], stride: [2, 1], global: 'os\nsystem' }));
    await expect(loadTorchStateDict(f)).rejects.toThrow(/refusing global os\.system/);
  });
  test('refuses truncated storage data', async () => {
    const f = write('trunc.pt', legacyCheckpoint({ numel: 4, size: [2, 2], stride: [2, 1], stored: 2 }));
    await expect(loadTorchStateDict(f)).rejects.toThrow(InputError);
  });
  test('refuses a file that is no checkpoint', async () => {
    await expect(loadTorchStateDict(write('text.pt', Buffer.from('hello')))).rejects.toThrow(/not a PyTorch checkpoint/);
  });
});

const shared = sharedFiles('reading the official TFeat checkpoints', ['weights/tfeat/tfeat-liberty.params', 'weights/tfeat/tfeat-liberty.zip.pth']);

shared.describe('official TFeat checkpoints', () => {
  const dir = shared.dir ? join(shared.dir, 'weights', 'tfeat') : '';
  test('legacy and zip formats give the same state dict', async () => {
    const a = await loadTorchStateDict(join(dir, 'tfeat-liberty.params'));
    const b = await loadTorchStateDict(join(dir, 'tfeat-liberty.zip.pth'));
    expect([...a.keys()]).toEqual(['features.1.weight', 'features.1.bias', 'features.4.weight', 'features.4.bias', 'descr.0.weight', 'descr.0.bias']);
    for (const [k, t] of a) {
      expect(b.get(k)!.shape).toEqual(t.shape);
      expect(Buffer.from(b.get(k)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
    }
  });
  test('weights for another architecture are refused, listing the differences', async () => {
    await expect(resolveWeights('hardnet', { weights: join(dir, 'tfeat-liberty.params') })).rejects.toThrow(
      /weights do not fit architecture "hardnet": missing 21 key\(s\): features\.0\.weight.*unexpected 6 key\(s\): features\.1\.weight/,
    );
  });
  test('a truncated zip is refused', async () => {
    const full = readFileSync(join(dir, 'tfeat-liberty.zip.pth'));
    const f = write('trunc.zip.pth', full.subarray(0, Math.floor(full.length / 2)));
    await expect(loadTorchStateDict(f)).rejects.toThrow(/corrupt zip checkpoint/);
  });
  test('a truncated legacy file is refused', async () => {
    const full = readFileSync(join(dir, 'tfeat-liberty.params'));
    const f = write('trunc.params', full.subarray(0, full.length - 1000));
    await expect(loadTorchStateDict(f)).rejects.toThrow(/truncated/);
  });
});

test('pre-0.4 checkpoints (_rebuild_tensor, four arguments) are read', async () => {
  const b = legacyCheckpoint({ numel: 6, size: [2, 3], stride: [3, 1] });
  // swap the v2 rebuild for v1 and drop its two trailing arguments (False, None) before the args TUPLE
  const v2 = Buffer.from('torch._utils\n_rebuild_tensor_v2\n', 'latin1');
  const at = b.indexOf(v2);
  const tail = Buffer.from([0x89, 0x4e, 0x74, 0x52]);
  const t = b.indexOf(tail, at);
  const v1 = Buffer.concat([b.subarray(0, at), Buffer.from('torch._utils\n_rebuild_tensor\n', 'latin1'), b.subarray(at + v2.length, t), Buffer.from([0x74, 0x52]), b.subarray(t + 4)]);
  const sd = await loadTorchStateDict(write('v1.pt', v1));
  expect([...sd.get('w')!.data]).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
});
