import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where the project's companion folder of real test data lives (`../shared` beside the
 * repository), or `DESCBENCH_SHARED` if set. Returns undefined when it is absent, as in a user's
 * clone: tests that need it skip with a message then.
 */
export function findSharedDir(fromDir: string = process.cwd()): string | undefined {
  const env = process.env.DESCBENCH_SHARED;
  if (env !== undefined && env !== '') return existsSync(env) ? resolve(env) : undefined;
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = resolve(dir, '..', 'shared');
    if (existsSync(resolve(candidate, 'PROTOCOLS.md'))) return candidate;
    const parent = resolve(dir, '..');
    if (parent === dir) return undefined;
    dir = parent;
  }
}
