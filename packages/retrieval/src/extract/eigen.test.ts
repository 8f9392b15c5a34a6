import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { symmetricEigen } from './eigen';
import { applyWhitening, learnPcaWhitening } from './whitening';

/** Reference values: __fixtures__/make-eigen-fixture.py (numpy.linalg.eigh). */
const fx = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'eigen-fixture.json'), 'utf8')) as {
  whiten: { D: number; N: number; X: number[]; eigenvalues: number[]; Y: number[] };
  symmetric: { n: number; A: number[]; eigenvalues: number[] };
};

const worst = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
};

describe('symmetric eigen-decomposition (ml-matrix) against numpy.linalg.eigh', () => {
  it('eigenvalues ascending as eigh, orthonormal eigenvectors with A v = lambda v', () => {
    const { n, A } = fx.symmetric;
    const { values, vectors } = symmetricEigen(Float64Array.from(A), n);
    expect(worst(values, fx.symmetric.eigenvalues)).toBeLessThan(1e-10);
    let residual = 0;
    let ortho = 0;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += A[i * n + k]! * vectors[k * n + j]!;
        residual = Math.max(residual, Math.abs(av - values[j]! * vectors[i * n + j]!));
      }
      for (let l = 0; l < n; l++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += vectors[k * n + j]! * vectors[k * n + l]!;
        ortho = Math.max(ortho, Math.abs(d - (j === l ? 1 : 0)));
      }
    }
    expect(residual).toBeLessThan(1e-10);
    expect(ortho).toBeLessThan(1e-10);
  });

  it('learned PCA-whitening: eigenvalues and whitened descriptors equal numpy (eigh) to 1e-5, each output dimension up to its sign', () => {
    const { D, N } = fx.whiten;
    const X = Float32Array.from(fx.whiten.X);
    const w = learnPcaWhitening(X, N, D);
    expect(worst(w.eigenvalues, fx.whiten.eigenvalues) / fx.whiten.eigenvalues[0]!).toBeLessThan(1e-10);
    const Y = applyWhitening(w, X, N);
    // an eigenvector's sign is arbitrary (numpy's too): align each output dimension's sign, then compare
    const aligned = Float32Array.from(Y);
    for (let r = 0; r < D; r++) {
      let dot = 0;
      for (let i = 0; i < N; i++) dot += Y[i * D + r]! * fx.whiten.Y[i * D + r]!;
      if (dot < 0) for (let i = 0; i < N; i++) aligned[i * D + r] = -Y[i * D + r]!;
    }
    expect(worst(aligned, fx.whiten.Y)).toBeLessThan(1e-5);
  });
});
