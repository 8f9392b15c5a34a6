import { InputError } from '@descbench/core';
import { generateSyntheticHPatches, generateSyntheticRevisitop, generateSyntheticUbc } from '@descbench/datasets';

export const GENERATE_KINDS = ['ubc', 'hpatches', 'revisitop'] as const;
export type GenerateKind = (typeof GENERATE_KINDS)[number];

export interface GenerateDataOptions {
  kind: GenerateKind;
  /** Output folder (a UBC subset folder, an HPatches root, or a revisitop root). */
  out: string;
  seed?: number;
  /** ubc: total patches; hpatches: patches per sequence. */
  patches?: number;
  /** ubc: number of m50 test pairs. */
  pairs?: number;
  /** hpatches: number of sequences. */
  sequences?: number;
  /** revisitop: dataset name (gnd_<name>.pkl), images, queries, descriptor dim, distractors, difficulty. */
  name?: string;
  images?: number;
  queries?: number;
  dim?: number;
  distractors?: number;
  difficulty?: number;
}

function positiveInt(v: number | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1) throw new InputError(`--${flag} must be a positive integer, got ${v}`);
  return v;
}

/**
 * `bench generate <ubc|hpatches|revisitop> --out DIR`: write generated data in the official
 * formats (what `--data synthetic` uses), deterministic in `--seed`.
 */
export function generateData(o: GenerateDataOptions): { kind: GenerateKind; dir: string; summary: Record<string, unknown> } {
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InputError(`--seed must be an integer, got ${seed}`);
  if (o.kind === 'ubc') {
    const patches = positiveInt(o.patches, 'patches');
    if (patches !== undefined && patches < 4) throw new InputError('--patches must be at least 4 for a UBC subset');
    const pairs = positiveInt(o.pairs, 'pairs');
    const s = generateSyntheticUbc(o.out, { seed, ...(patches !== undefined ? { patches } : {}), ...(pairs !== undefined ? { pairs } : {}) });
    return { kind: o.kind, dir: s.dir, summary: { ...s } };
  }
  if (o.kind === 'hpatches') {
    const sequences = positiveInt(o.sequences, 'sequences');
    if (sequences !== undefined && sequences < 2) throw new InputError('--sequences must be at least 2');
    const patches = positiveInt(o.patches, 'patches');
    const s = generateSyntheticHPatches(o.out, { seed, ...(sequences !== undefined ? { sequences } : {}), ...(patches !== undefined ? { patches } : {}) });
    return { kind: o.kind, dir: s.root, summary: { ...s } };
  }
  if (o.kind === 'revisitop') {
    if (o.difficulty !== undefined && !(o.difficulty >= 0 && o.difficulty <= 1)) throw new InputError(`--difficulty must be in [0, 1], got ${o.difficulty}`);
    if (o.name !== undefined && !/^[A-Za-z0-9_-]+$/.test(o.name)) throw new InputError(`--name must be letters, digits, _ or -, got ${JSON.stringify(o.name)}`);
    const opt = {
      seed,
      ...(o.name !== undefined ? { name: o.name } : {}),
      ...(positiveInt(o.images, 'images') !== undefined ? { images: o.images } : {}),
      ...(positiveInt(o.queries, 'queries') !== undefined ? { queries: o.queries } : {}),
      ...(positiveInt(o.dim, 'dim') !== undefined ? { dim: o.dim } : {}),
      ...(o.distractors !== undefined ? { distractors: o.distractors } : {}),
      ...(o.difficulty !== undefined ? { difficulty: o.difficulty } : {}),
    };
    const s = generateSyntheticRevisitop(o.out, opt);
    return { kind: o.kind, dir: s.dir, summary: { ...s } };
  }
  throw new InputError(`unknown kind ${JSON.stringify(o.kind)}; use one of ${GENERATE_KINDS.join(', ')}`);
}
