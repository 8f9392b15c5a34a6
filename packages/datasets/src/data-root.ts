import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where datasets live: `--data-dir`, else `$DESCBENCH_DATA`, else `~/.cache/descbench`.
 * (`$XDG_CACHE_HOME/descbench` when XDG_CACHE_HOME is set.)
 */
export function resolveDataRoot(o: { dataDir?: string } = {}): string {
  if (o.dataDir !== undefined && o.dataDir !== '') return resolve(o.dataDir);
  const env = process.env.DESCBENCH_DATA;
  if (env !== undefined && env !== '') return resolve(env);
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'descbench');
}
