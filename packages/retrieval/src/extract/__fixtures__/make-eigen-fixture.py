"""Fixture for eigen.ts / whitening.ts at a size where Jacobi and a tridiagonal solver differ in
speed: learned PCA-whitening of 64 descriptors of dimension 16 (float32 values, as the code takes them) (cirtorch's pcawhitenlearn /
whitenapply, with numpy.linalg.eigh for the symmetric covariance), and the eigenvalues of a
seeded symmetric 32 x 32 matrix. Run: python3 make-eigen-fixture.py > eigen-fixture.json
(numpy 2.4 at authoring time)."""
import json

import numpy as np

rng = np.random.default_rng(2024)
D, N = 16, 64
# columns = descriptors (cirtorch layout D x N), spread spectrum so that every eigenvector is well defined
X = rng.standard_normal((D, N)) * np.linspace(0.5, 4.0, D)[:, None] + 0.3 * rng.standard_normal((D, 1))
X = X.astype(np.float32).astype(np.float64)
m = X.mean(axis=1, keepdims=True)
Xc = X - m
C = Xc @ Xc.T
C = (C + C.T) / (2 * N)
ev, V = np.linalg.eigh(C)
order = ev.argsort()[::-1]
ev, V = ev[order], V[:, order]
P = np.diag(ev ** -0.5) @ V.T
Y = P @ (X - m)
Y = Y / (np.linalg.norm(Y, ord=2, axis=0, keepdims=True) + 1e-6)
A = rng.standard_normal((32, 32))
A = (A + A.T) / 2
print(json.dumps({
    'whiten': {'D': D, 'N': N, 'X': X.T.ravel().tolist(), 'eigenvalues': ev.tolist(), 'Y': Y.T.ravel().tolist()},
    'symmetric': {'n': 32, 'A': A.ravel().tolist(), 'eigenvalues': np.linalg.eigh(A)[0].tolist()},
}))
