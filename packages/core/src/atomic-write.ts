import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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

/**
 * Fill a folder so that readers see either no folder at `dir` or the complete one: `fill` writes
 * into a temporary sibling (`.<name>.tmp-<pid>`), which replaces `dir` when `fill` returns; on an
 * exception the temporary folder is removed and the exception rethrown. Returns `dir`.
 */
export function writeDirAtomicSync(dir: string, fill: (tmp: string) => void): string {
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  ensureDir(tmp);
  try {
    fill(tmp);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}
