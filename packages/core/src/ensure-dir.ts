import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from './errors';

/**
 * Create a folder and its missing parents, or fail at once with an `InputError` naming the
 * folder that cannot be made. Made level by level because Node's `mkdirSync(p, { recursive:
 * true })` never returns for some paths (e.g. `/proc/x`: mkdir reports ENOENT although the
 * parent exists, and the recursion retries forever).
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  if (existsSync(d) && !statSync(d).isDirectory()) throw new InputError(`cannot create a folder here: ${d} is a file, not a folder`, { file: d });
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw new InputError(`cannot create the folder (${code ?? (e as Error).message}); choose a writable location`, { file: m });
    }
  }
}
