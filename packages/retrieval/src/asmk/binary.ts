/**
 * Binary residual signatures: D signs packed 32 per Uint32 (bit j of word j >> 5 is set when
 * component j > 0, as ASMK's binarisation `x > 0`). Their similarity is the dot product of the
 * {-1, +1}^D / sqrt(D) vectors: (D - 2 hamming) / D.
 */
export function packedWords(dim: number): number {
  return (dim + 31) >>> 5;
}

/** Pack the signs of `v[offset .. offset + dim)` into `out[at .. at + packedWords(dim))`. */
export function packSigns(v: ArrayLike<number>, offset: number, dim: number, out: Uint32Array, at: number): void {
  const W = packedWords(dim);
  for (let w = 0; w < W; w++) out[at + w] = 0;
  for (let j = 0; j < dim; j++) if (v[offset + j]! > 0) out[at + (j >>> 5)]! |= 1 << (j & 31);
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** (D - 2 hamming) / D between two packed signatures. */
export function binarySimilarity(a: Uint32Array, ia: number, b: Uint32Array, ib: number, dim: number): number {
  const W = packedWords(dim);
  let h = 0;
  for (let w = 0; w < W; w++) h += popcount32((a[ia + w]! ^ b[ib + w]!) >>> 0);
  return (dim - 2 * h) / dim;
}
