"""numpy side of benchmarks/speed/knn.js (run by it; not a test).

check <dir> N D Q: reads db.f32 [N, D] and q.f32 [Q, D] from <dir>, prints the top 100 per query
  (revisitop layout [100, Q], flattened) and their scores as JSON: scores = db @ q.T in float32,
  ranks = argsort(-scores, axis=0) (stable), as revisitop's example scripts rank.
scale <dir> N D Q: generates its own N x D float16 unit vectors and Q float32 queries; the top 100
  per query (chunks of 16,384 rows cast to float32, matrix product, argpartition + sort) and the
  full ranking (argsort per query); prints both wall times and the peak RSS (KiB).
"""
import json
import resource
import sys
import time

import numpy as np


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    n, d, q = (int(x) for x in sys.argv[3:6])
    if mode == 'check':
        db = np.fromfile(folder + '/db.f32', dtype=np.float32).reshape(n, d)
        qs = np.fromfile(folder + '/q.f32', dtype=np.float32).reshape(q, d)
        s = db @ qs.T
        r = np.argsort(-s, axis=0, kind='stable')[:100]
        sc = np.take_along_axis(s, r, axis=0)
        print(json.dumps({'ranks': r.ravel().tolist(), 'scores': sc.ravel().astype(float).tolist()}))
        return
    rng = np.random.default_rng(13)
    db = np.empty((n, d), dtype=np.float16)
    for start in range(0, n, 65536):
        x = rng.uniform(-1, 1, size=(min(65536, n - start), d)).astype(np.float32)
        db[start:start + len(x)] = x / np.linalg.norm(x, axis=1, keepdims=True)
    qs = rng.uniform(-1, 1, size=(q, d)).astype(np.float32)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    def scores():
        s = np.empty((n, q), dtype=np.float32)
        for start in range(0, n, 16384):
            s[start:start + 16384] = db[start:start + 16384].astype(np.float32) @ qs.T
        return s

    t = time.perf_counter()
    s = scores()
    top = np.argpartition(-s, 100, axis=0)[:100]
    top = np.take_along_axis(top, np.argsort(-np.take_along_axis(s, top, axis=0), axis=0), axis=0)
    top_secs = time.perf_counter() - t
    t = time.perf_counter()
    ranks = np.argsort(-scores(), axis=0)
    secs = time.perf_counter() - t
    assert ranks.shape == (n, q) and top.shape == (100, q)
    print(json.dumps({'top_seconds': top_secs, 'seconds': secs, 'max_rss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == '__main__':
    main()
