import { InputError } from '@descbench/core';
import type { DescriptorMatrix } from './descriptors';

/** Images of an HPatches patch sequence: the reference and five per noise level. */
export const HPATCHES_IMAGES = [
  'ref', 'e1', 'e2', 'e3', 'e4', 'e5', 'h1', 'h2', 'h3', 'h4', 'h5', 't1', 't2', 't3', 't4', 't5',
] as const;
export type HPatchesImage = (typeof HPATCHES_IMAGES)[number];

/** Geometric noise levels: easy, hard, tough. */
export const HPATCHES_NOISE = ['e', 'h', 't'] as const;
export type HPatchesNoise = (typeof HPATCHES_NOISE)[number];

/** One sequence's descriptors: `[patches, dim]` for each image, same row order in every image. */
export type HPatchesSequenceDescriptors = Readonly<Record<HPatchesImage, DescriptorMatrix>>;

/** Descriptors of every sequence, keyed by sequence name (`i_ajuntament`, `v_wall`, ...). */
export type HPatchesDescriptors = ReadonlyMap<string, HPatchesSequenceDescriptors>;

/** Image of a sequence from the task files' image id: 0 = ref, 1..5 = `<noise><id>`. */
export function hpatchesImage(noise: HPatchesNoise, id: number): HPatchesImage {
  if (id === 0) return 'ref';
  if (Number.isInteger(id) && id >= 1 && id <= 5) return `${noise}${id}` as HPatchesImage;
  throw new InputError(`HPatches image id ${id} is outside 0..5`);
}

export function getSequence(descr: HPatchesDescriptors, seq: string): HPatchesSequenceDescriptors {
  const s = descr.get(seq);
  if (s === undefined) throw new InputError(`no descriptors for HPatches sequence "${seq}"`, { at: `sequence ${seq}` });
  return s;
}

export function checkRow(m: DescriptorMatrix, row: number, seq: string, image: string): void {
  if (!Number.isInteger(row) || row < 0 || row >= m.rows) {
    throw new InputError(`patch ${row} is outside the ${m.rows} patches of ${seq}/${image}`, { at: `sequence ${seq}` });
  }
}

/** Mean of a list; NaN for an empty one. */
export function meanOf(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
