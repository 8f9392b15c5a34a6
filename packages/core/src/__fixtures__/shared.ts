/**
 * Gate for tests that read the companion folder `../shared` (real samples, official weights,
 * reference outputs). A user's clone has no such folder: there the gated tests skip, and ONE line
 * on stderr names what is missing. Nothing here touches the folder unless every needed path is
 * present, so a test file's top level never reads it; read files inside `test`/`beforeAll` only.
 *
 * Usage:
 *   const shared = sharedFiles('revisitop ground truth', ['data/revisitop/gnd_roxford5k.pkl']);
 *   shared.describe('...', () => { test('...', () => read(shared.path('data/...'))); });
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findSharedDir } from '../shared-dir';

export interface SharedFiles {
  /** The folder, or undefined when it or one of the needed paths is absent. */
  readonly dir: string | undefined;
  /** What is missing, in words; undefined when everything needed is there. */
  readonly missing: string | undefined;
  /** `describe`, or `describe.skip` when something is missing. */
  readonly describe: jest.Describe;
  /** `test`, or `test.skip` when something is missing. */
  readonly test: jest.It;
  /** Absolute path of a file under the folder; only call it inside a test (it throws when absent). */
  path(relative: string): string;
}

/** The repository's root (this file is packages/core/src/__fixtures__/shared.ts). */
export const repoRoot = resolve(__dirname, '..', '..', '..', '..');

/**
 * `what`: what the gated tests check, for the skip line. `needs`: paths relative to the shared
 * folder that the tests read (all must exist, else everything gated skips).
 */
export function sharedFiles(what: string, needs: readonly string[]): SharedFiles {
  const dir = findSharedDir(repoRoot);
  let missing: string | undefined;
  if (dir === undefined) {
    const env = process.env.DESCBENCH_SHARED;
    missing = env ? `DESCBENCH_SHARED=${env} does not exist` : `../shared is absent beside ${repoRoot}`;
  } else {
    const absent = needs.filter((p) => !existsSync(join(dir, p)));
    if (absent.length > 0) missing = `${absent.map((p) => join(dir, p)).join(', ')} ${absent.length === 1 ? 'is' : 'are'} absent`;
  }
  if (missing !== undefined) process.stderr.write(`skipped: ${what}: ${missing}\n`);
  const ok = missing === undefined;
  return {
    dir: ok ? dir : undefined,
    missing,
    describe: ok ? describe : describe.skip,
    test: ok ? test : test.skip,
    path(relative: string): string {
      if (!ok || dir === undefined) throw new Error(`shared file ${relative} read although ${missing}`);
      return join(dir, relative);
    },
  };
}
