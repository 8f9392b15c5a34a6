import { createHash } from 'node:crypto';
import type { StateDict } from '@descbench/models';

/** sha256 (hex) of a state dict's keys, shapes and float32 bytes, in key order: tells trained models apart. */
export function csaFingerprint(sd: StateDict): string {
  const h = createHash('sha256');
  for (const key of [...sd.keys()].sort()) {
    const t = sd.get(key)!;
    h.update(`${key}[${t.shape.join(',')}]`);
    h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return h.digest('hex');
}
