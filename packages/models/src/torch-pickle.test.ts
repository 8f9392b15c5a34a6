import { PickleGlobalRef } from '@descbench/core';
import { TORCH_PICKLE_GLOBALS, storageFromPid, unpickleTorch } from './torch-pickle';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
const fail = (m: string): never => {
  throw new Error(m);
};

describe('torch pickles: allow-lists check own properties only', () => {
  it('torch.constructor and friends are not storage types (they used to pass a `name in OBJECT` test)', () => {
    for (const n of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(TORCH_PICKLE_GLOBALS.has(`torch.${n}`)).toBe(false);
      const b = bytes([0x80, 0x02, 0x63], `torch\n${n}\n`, [0x85, 0x2e]);
      expect(() => unpickleTorch(b, 0, { file: 'x.pt' })).toThrow(new RegExp(`^x\\.pt, byte 2: refusing global torch\\.${n}`));
      expect(() => storageFromPid(['storage', new PickleGlobalRef('torch', n), '0', 'cpu', 4], fail)).toThrow(/names no torch storage type/);
    }
  });
  it('real storage names are accepted', () => {
    expect(storageFromPid(['storage', new PickleGlobalRef('torch', 'FloatStorage'), '0', 'cpu', 4], fail)).toEqual({ kind: 'storage', dtype: 'float32', key: '0', numel: 4 });
  });
});
