import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ensureDir } from './ensure-dir';

/**
 * Write a file so that readers see either the old content or the whole new one, never a
 * half-written file (temp file + fsync + rename, by write-file-atomic). Creates parent folders.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  ensureDir(dirname(path));
  writeFileAtomic.sync(path, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}
