import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { CellSpec, KeyedCell } from './types';

/**
 * JSON with object keys sorted at every depth, so that equal specs give equal text whatever order
 * their fields were written in. Arrays keep their order (it means something: columns, seeds).
 * Non-finite numbers are refused: JSON would write them as null and two settings would collide.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  throw new Error(`canonicalJson: a ${typeof value} has no JSON form`);
}

export const sha256Hex = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/**
 * The content key of a cell: sha256 (hex) of the canonical JSON of `{ spec, version }`. Everything
 * that decides a cell's value is in its spec (table, row, columns, seed, settings with profile,
 * recipe, backend and data manifest) or in the project version (the code that computes it).
 */
export function cellKey(spec: CellSpec, version: string = projectVersion()): string {
  return sha256Hex(canonicalJson({ spec, version }));
}

export function keyCells(specs: CellSpec[], version: string = projectVersion()): KeyedCell[] {
  return specs.map((spec) => ({ key: cellKey(spec, version), spec }));
}

/** The repository root: the nearest folder above `from` with a pnpm-workspace.yaml. */
export function findRepoRoot(from: string = __dirname): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const versions = new Map<string, string>();

/**
 * The project's version as far as a cell's value is concerned: `<package version>+<hash>`, where
 * the hash covers the contents of every source file of every package (`packages/<pkg>/src`, tests
 * and fixtures left out), or their compiled `dist` when no sources are installed.
 *
 * Chosen over git's tree hash on purpose: a tree hash names the last commit, so an uncommitted edit
 * (the usual state while developing) would reuse cells computed by other code; the contents are
 * always what runs, with or without git. 1.5 MB of sources hash in a few milliseconds, once per process.
 */
export function projectVersion(root: string | undefined = findRepoRoot()): string {
  if (root === undefined) return 'unknown';
  const cached = versions.get(root);
  if (cached !== undefined) return cached;
  let pkgVersion = 'unknown';
  try {
    pkgVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // a root without package.json still gets a content hash
  }
  const h = createHash('sha256');
  const pkgs = join(root, 'packages');
  const names = existsSync(pkgs) ? readdirSync(pkgs).sort() : [];
  for (const pkg of names) {
    const src = join(pkgs, pkg, 'src');
    const dir = existsSync(src) ? src : join(pkgs, pkg, 'dist');
    for (const file of listCodeFiles(dir)) {
      h.update(relative(root, file));
      h.update('\0');
      h.update(readFileSync(file));
      h.update('\0');
    }
  }
  const version = `${pkgVersion}+${h.digest('hex').slice(0, 16)}`;
  versions.set(root, version);
  return version;
}

/** Source files under `dir`, sorted, without tests, fixtures and test helpers. */
function listCodeFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '__fixtures__' && e.name !== 'node_modules') walk(p);
      } else if (/\.(ts|js|mjs|cjs|json)$/.test(e.name) && !/\.(test|spec)\.[tj]s$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.map')) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}
