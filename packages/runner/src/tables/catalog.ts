import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError, Registry } from '@descbench/core';
import { loadReferenceTable, type ReferenceTable } from './reference-table';

/**
 * The catalog of reference tables: a scan of `benchmarks/<paper>/<entry>/table.json`
 * (as lm-evaluation-harness indexes its task folders). Folders without a table.json, such as
 * `benchmarks/speed/`, are not tables.
 */
export function findBenchmarksDir(from: string = __dirname): string {
  const env = process.env.DESCBENCH_BENCHMARKS;
  if (env !== undefined && env !== '') return resolve(env);
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml')) && existsSync(join(dir, 'benchmarks'))) return join(dir, 'benchmarks');
    const parent = dirname(dir);
    if (parent === dir) throw new InputError('cannot find the benchmarks/ folder; set DESCBENCH_BENCHMARKS');
    dir = parent;
  }
}

export function loadCatalog(benchmarksDir: string = findBenchmarksDir()): Registry<ReferenceTable> {
  const registry = new Registry<ReferenceTable>('table');
  for (const paper of sortedDirs(benchmarksDir)) {
    for (const entry of sortedDirs(join(benchmarksDir, paper))) {
      const dir = join(benchmarksDir, paper, entry);
      if (!existsSync(join(dir, 'table.json'))) continue;
      const t = loadReferenceTable(dir, `${paper}/${entry}`);
      registry.register(t.id, t);
    }
  }
  return registry;
}

function sortedDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory())
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
