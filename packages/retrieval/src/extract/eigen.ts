import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Eigen-decomposition of a real symmetric matrix `[n, n]` (row-major), by ml-matrix's symmetric
 * solver (Householder tridiagonalisation, then the implicit QL algorithm: O(n^3); n = 2048 took
 * 362 s on this project's 2-core machine at load average ~10; the cyclic Jacobi sweeps used before
 * cost about ten times as many operations (n^3 per sweep, several sweeps); a hand-written flat-array version of the same algorithm was only 1.4x faster, not worth
 * a second copy). Matches numpy.linalg.eigh to 1e-10
 * on the eigenvalues (test: __fixtures__/make-eigen-fixture.py).
 * Returns eigenvalues in ascending order (as eigh) and eigenvectors as the COLUMNS of `vectors`
 * (`[n, n]` row-major); an eigenvector's sign is arbitrary, as in numpy.
 */
export function symmetricEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (m.length !== n * n) throw new RangeError(`symmetricEigen: ${m.length} numbers are not ${n} x ${n}`);
  const rows = Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * n, (i + 1) * n)));
  const e = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = Float64Array.from(e.realEigenvalues);
  const v = e.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors[i * n + j] = v.get(i, j);
  return { values, vectors };
}
