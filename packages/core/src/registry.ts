import { closest, distance } from 'fastest-levenshtein';
import { InputError } from './errors';

/**
 * A name -> entry map shared by models, datasets, metrics, losses and tables.
 * Unknown names fail with near-miss suggestions, as lm-evaluation-harness's registry does.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly kind: string) {}

  register(name: string, entry: T): this {
    if (this.entries.has(name)) throw new Error(`${this.kind} "${name}" is already registered`);
    this.entries.set(name, entry);
    return this;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry for `name`; throws an error listing the closest known names otherwise. */
  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new UnknownNameError(this.kind, name, this.suggest(name));
    return entry;
  }

  /** Names in registration order, optionally filtered by a glob with `*` wildcards. */
  names(glob?: string): string[] {
    const all = [...this.entries.keys()];
    if (glob === undefined) return all;
    const re = new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`);
    return all.filter((n) => re.test(n));
  }

  /** Up to three known names closest to `name` (edit distance at most half its length). */
  suggest(name: string): string[] {
    const names = this.names();
    if (names.length === 0) return [];
    const limit = Math.max(2, Math.ceil(name.length / 2));
    const ranked = names
      .map((n) => ({ n, d: n.startsWith(name) || n.includes(name) ? 0 : distance(name, n) }))
      .filter((x) => x.d <= limit)
      .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
      .map((x) => x.n);
    if (ranked.length === 0) {
      const best = closest(name, names);
      return distance(name, best) <= limit ? [best] : [];
    }
    return ranked.slice(0, 3);
  }
}

/** An unknown registry name is a user's input error (exit code 2). */
export class UnknownNameError extends InputError {
  constructor(
    readonly kind: string,
    readonly unknown: string,
    readonly suggestions: string[],
  ) {
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    super(`unknown ${kind} "${unknown}"${hint}`);
  }
}

/**
 * The `n` names nearest to `name`: those it starts, contains or is a prefix of first, then by
 * edit distance (ties by name). Unlike `Registry.suggest`, always names some (for "unknown
 * command" messages, where any hint beats none).
 */
export function nearestNames(name: string, names: readonly string[], n = 3): string[] {
  return names
    .map((x) => ({ x, d: x.startsWith(name) || x.includes(name) || name.startsWith(x) ? 0 : distance(name, x) }))
    .sort((a, b) => a.d - b.d || a.x.localeCompare(b.x))
    .slice(0, n)
    .map((e) => e.x);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
