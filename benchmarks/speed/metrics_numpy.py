"""numpy side of benchmarks/speed/metrics.js (run by it; not a test).

Reads the inputs that metrics.js wrote into the folder given as argv[1] and prints one JSON line
with the results and the best wall time (seconds) of each computation (FPR@95: best of
4 x `repeats` after 20 warm-up runs; rankings: best of repeats/2):

- FPR@95 of 100k pairs, HardNet convention (argsort + cumsum + argmax as HardNet's
  EvalMetrics.ErrorRateAt95Recall) and HyNet convention (sort positives, index ceil(0.95 P),
  count negatives <= threshold);
- revisited mAP and mP@1,5,10 for Easy, Medium and Hard of 70 queries over a [N, 70] ranking,
  following revisitop's compute_map: positions by np.isin over each query's column, junk shift,
  trapezoid AP, kq = min(max(pos), k).
"""
import json
import math
import sys
import time

import numpy as np


def fpr95_hardnet(labels, d):
    labels = labels[np.argsort(d)]
    idx = np.argmax(np.cumsum(labels) >= 0.95 * np.sum(labels))
    fp = np.sum(labels[:idx] == 0)
    tn = np.sum(labels[idx:] == 0)
    return float(fp) / float(fp + tn)


def fpr95_hynet(labels, d):
    pos = np.sort(d[labels == 1])
    thr = pos[int(math.ceil(pos.size * 0.95))]
    neg = d[labels == 0]
    return float(np.sum(neg <= thr)) / neg.size


def ap_from_positions(pos, nres):
    ap = 0.0
    step = 1.0 / nres
    for j, r in enumerate(pos):
        p0 = 1.0 if r == 0 else float(j) / r
        p1 = float(j + 1) / (r + 1)
        ap += (p0 + p1) * step / 2.0
    return ap


def compute_map(ranks, gnd, kappas):
    total = 0.0
    pr = np.zeros(len(kappas))
    nempty = 0
    for i in range(len(gnd)):
        ok = gnd[i]['ok']
        if ok.shape[0] == 0:
            nempty += 1
            continue
        col = ranks[:, i]
        pos = np.flatnonzero(np.isin(col, ok))
        junk = np.flatnonzero(np.isin(col, gnd[i]['junk']))
        k = 0
        ij = 0
        for ip in range(len(pos)):
            while ij < len(junk) and pos[ip] > junk[ij]:
                k += 1
                ij += 1
            pos[ip] -= k
        total += ap_from_positions(pos, len(ok))
        pos = pos + 1
        prs = np.zeros(len(kappas))
        for j, kk in enumerate(kappas):
            kq = min(pos.max(), kk)
            prs[j] = (pos <= kq).sum() / kq
        pr += prs
    return total / (len(gnd) - nempty), list(pr / (len(gnd) - nempty))


def protocols(gnd):
    e, m, h = [], [], []
    for q in gnd:
        e.append({'ok': q['easy'], 'junk': np.concatenate([q['junk'], q['hard']])})
        m.append({'ok': np.concatenate([q['easy'], q['hard']]), 'junk': q['junk']})
        h.append({'ok': q['hard'], 'junk': np.concatenate([q['junk'], q['easy']])})
    return {'easy': e, 'medium': m, 'hard': h}


def best_of(fn, repeats, warm=0):
    for _ in range(warm):
        fn()
    best = math.inf
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    folder = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    labels = np.load(f'{folder}/labels.npy')
    dist = np.load(f'{folder}/distances.npy')
    ranks = np.load(f'{folder}/ranks.npy')
    with open(f'{folder}/gnd.json') as f:
        gnd = [{k: np.asarray(v, dtype=np.int64) for k, v in q.items()} for q in json.load(f)]
    res = {}
    res['fpr95_hardnet'] = best_of(lambda: fpr95_hardnet(labels, dist), 4 * repeats, 20)
    res['fpr95_hynet'] = best_of(lambda: fpr95_hynet(labels, dist), 4 * repeats, 20)
    p = protocols(gnd)
    res['revisited'] = best_of(lambda: {k: compute_map(ranks, v, [1, 5, 10]) for k, v in p.items()}, max(1, repeats // 2))
    print(json.dumps({k: {'seconds': v[0], 'value': v[1]} for k, v in res.items()}))


if __name__ == '__main__':
    main()
