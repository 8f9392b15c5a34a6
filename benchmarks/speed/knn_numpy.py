"""numpy side of benchmarks/speed/knn.js (run by it; not a test).

generate <dir> N D Q: writes <dir>/db.npy, N x D float16 unit vectors (numpy default_rng(13),
  standard normal float32 rows in chunks of 65,536, L2-normalised in float32, cast to float16),
  and <dir>/q.npy, Q x D float32 unit vectors (default_rng(7)); streamed to disk, never whole in
  memory. Prints {"seconds": ...}.
check <dir> N: top 100 per query over the first N rows of db.npy, revisitop's way on float32
  (scores = db @ q.T, ranks = argsort(-scores, axis=0), stable), as JSON [100, Q] flattened with
  the scores.
scale <dir>: loads db.npy whole (timed apart), then searches it as this machine's numpy does it
  fastest with float16 storage: chunks of 16,384 rows cast to float32, q @ chunk.T into a [Q, N]
  float32 score matrix; the top 100 by argpartition + argsort of those 100 per query, the full
  ranking by argsort of each query's row (revisitop's `np.argsort(-scores, axis=0)`, transposed).
  Prints the wall times and the peak RSS (KiB) as JSON.
"""
import json
import resource
import sys
import time

import numpy as np

CHUNK = 16384


def unit_rows(rng, n, d):
    x = rng.standard_normal((n, d), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def generate(folder, n, d, q):
    t = time.perf_counter()
    rng = np.random.default_rng(13)
    db = np.lib.format.open_memmap(folder + '/db.npy', mode='w+', dtype=np.float16, shape=(n, d))
    for start in range(0, n, 65536):
        db[start:start + 65536] = unit_rows(rng, min(65536, n - start), d).astype(np.float16)
    db.flush()
    del db
    np.save(folder + '/q.npy', unit_rows(np.random.default_rng(7), q, d))
    print(json.dumps({'seconds': time.perf_counter() - t}))


def scores(db, qs):
    s = np.empty((len(qs), len(db)), dtype=np.float32)
    for start in range(0, len(db), CHUNK):
        s[:, start:start + CHUNK] = qs @ db[start:start + CHUNK].astype(np.float32).T
    return s


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    if mode == 'generate':
        generate(folder, *(int(x) for x in sys.argv[3:6]))
        return
    qs = np.load(folder + '/q.npy')
    if mode == 'check':
        n = int(sys.argv[3])
        db = np.load(folder + '/db.npy', mmap_mode='r')[:n].astype(np.float32)
        s = db @ qs.T
        r = np.argsort(-s, axis=0, kind='stable')[:100]
        sc = np.take_along_axis(s, r, axis=0)
        print(json.dumps({'ranks': r.ravel().tolist(), 'scores': sc.ravel().astype(float).tolist()}))
        return
    t = time.perf_counter()
    db = np.load(folder + '/db.npy')
    load = time.perf_counter() - t
    t = time.perf_counter()
    s = scores(db, qs)
    top = np.argpartition(-s, 100, axis=1)[:, :100]
    top = np.take_along_axis(top, np.argsort(-np.take_along_axis(s, top, axis=1), axis=1), axis=1)
    top_secs = time.perf_counter() - t
    del s
    t = time.perf_counter()
    ranks = np.argsort(-scores(db, qs), axis=1)
    secs = time.perf_counter() - t
    assert ranks.shape == (len(qs), len(db)) and top.shape == (len(qs), 100)
    print(json.dumps({'load_seconds': load, 'top_seconds': top_secs, 'seconds': secs, 'max_rss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == '__main__':
    main()
