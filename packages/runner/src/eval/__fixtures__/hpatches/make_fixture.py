#!/usr/bin/env python3
"""Make the eval-hpatches fixture and its expected numbers.

Writes, beside this script:
  descriptors/<seq>/<type>.csv   16 descriptor files per sequence (hpatches-benchmark layout)
  tasks/splits.json              split "fx" (all six sequences) and "fy" (two of them)
  tasks/verif_{pos,neg_intra,neg_inter}_split-fx.csv, tasks/retr_{queries,distractors}_split-fx.csv
  expected.json                  every per-case number and the article summary, for the
                                 `python` and `matlab` AP conventions (L2), and `python-L1`

The expected numbers follow the semantics of hpatches-benchmark python/utils/{tasks,metrics,results}.py
(re-implemented here from reading it, not copied): descriptors cast to float32 on load;
verification = scipy euclidean per pair, labels [negatives; positives], balanced = trapezoid ROC
AUC, imbalanced = AP of the first P + int(0.2 P) entries; matching = first-minimum nearest
neighbour of every ref patch, AP with numpos = #patches; retrieval = the 5 positives followed by
the distractors of other sequences (float32 descriptors, cdist), AP of the first k of that list
for k in 100 .. 20000; ranking by mergesort on -distance; -inf scores never retrieved.
`python` AP = trapezoid area under precision(recall) with the leading point (utils/metrics.pr);
`matlab` AP = mean over the P positives of the precision each time a positive is retrieved
(VLFeat vl_pr info.ap, TREC style).

Descriptor values are multiples of 1/4, so many distances tie exactly and the tie order of the
stable sort matters.

  /usr/bin/python3 make_fixture.py                      # needs numpy, scipy
  /usr/bin/python3 make_fixture.py --check-reference DIR  # also run the benchmark's own code
      (DIR = hpatches-benchmark/python; needs pandas, joblib, tqdm; cv2 is stubbed) and
      assert that it gives the same per-case numbers for the python convention.
"""
import argparse
import json
import os
import sys

import numpy as np
from scipy.spatial import distance as sd

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = ['ref'] + [f'{t}{i}' for t in 'eht' for i in range(1, 6)]
SEQS = {'i_fa': 40, 'i_fb': 34, 'i_fc': 40, 'v_fd': 37, 'v_fe': 40, 'v_ff': 40}
DIM = 8
POOLS = [100, 500, 1000, 5000, 10000, 15000, 20000]
NOISE = {'e': 0.35, 'h': 0.8, 't': 1.3}


def make_data(rng):
    descr = {}
    for s, n in SEQS.items():
        ref = np.round(rng.normal(size=(n, DIM)) * 4) / 4
        d = {'ref': ref}
        for t in TYPES[1:]:
            d[t] = np.round((ref + NOISE[t[0]] * rng.normal(size=ref.shape)) * 4) / 4
        descr[s] = d
    seqs = list(SEQS)
    # verification lists drawn like gen_verif (here 80 rows)
    npairs = 80
    s = rng.choice(seqs, npairs)
    ab = np.array([rng.choice(SEQS[k], 2, replace=False) for k in s])
    tt = np.array([rng.choice(5, 2, replace=False) for _ in s])
    s_inter = rng.choice(seqs, npairs)
    c_inter = np.array([rng.integers(SEQS[k]) for k in s_inter])
    pos = [(s[i], tt[i, 0], ab[i, 0], s[i], tt[i, 1], ab[i, 0]) for i in range(npairs)]
    intra = [(s[i], tt[i, 0], ab[i, 0], s[i], tt[i, 1], ab[i, 1]) for i in range(npairs)]
    inter = [(s[i], tt[i, 0], ab[i, 0], s_inter[i], tt[i, 1], c_inter[i]) for i in range(npairs)]
    # retrieval: 15 queries, 200 distinct distractors (no query among them), ref patches only
    allp = [(k, i) for k in seqs for i in range(SEQS[k])]
    order = rng.permutation(len(allp))
    queries = [allp[j] for j in order[:15]]
    distractors = [allp[j] for j in order[15:215]]
    return descr, pos, intra, inter, queries, distractors


def tpfp(scores, labels, numpos=None):
    scores = np.asarray(scores, dtype=float).ravel()
    labels = np.asarray(labels).ravel()
    p = int(np.sum(labels))
    if numpos is not None:
        extra = numpos - p
        p = numpos
        scores = np.concatenate([scores, np.full(extra, -np.inf)])
        labels = np.concatenate([labels, np.ones(extra)])
    perm = np.argsort(-scores, kind='mergesort')
    kept = perm[scores[perm] > -np.inf]
    lab = labels[kept]
    tp = np.concatenate([[0], np.cumsum(lab == 1)])
    fp = np.concatenate([[0], np.cumsum(lab == 0)])
    return tp, fp, p, len(labels) - p


def ap(scores, labels, conv, numpos=None):
    tp, fp, p, _ = tpfp(scores, labels, numpos)
    if conv == 'python':
        rec = tp / max(p, 1e-10)
        prec = np.maximum(tp, 1e-10) / np.maximum(tp + fp, 1e-10)
        return float(np.sum((rec[1:] - rec[:-1]) * (prec[1:] + prec[:-1]) / 2))
    steps = np.nonzero(np.diff(tp) > 0)[0] + 1
    return float(np.sum(tp[steps] / (tp[steps] + fp[steps])) / p)


def roc_auc(scores, labels):
    tp, fp, p, n = tpfp(scores, labels)
    tpr = tp / max(p, 1e-10)
    fpr = fp / max(n, 1e-10)
    return float(np.sum((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2))


def image(t, noise):
    return 'ref' if t == 0 else f'{noise}{t}'


def evaluate(descr, pos, intra, inter, queries, distractors, test, conv, metric='euclidean'):
    pair = sd.euclidean if metric == 'euclidean' else sd.cityblock
    d32 = {s: {t: v.astype(np.float32) for t, v in d.items()} for s, d in descr.items()}
    out = {'verification': {}, 'matching': {}, 'retrieval': {}}
    for noise in 'eht':
        def dists(pairs):
            return np.array([[pair(d32[a][image(ta, noise)][ia], d32[b][image(tb, noise)][ib])] for a, ta, ia, b, tb, ib in pairs])
        dp = dists(pos)
        lab = np.vstack([np.zeros_like(dp), np.ones_like(dp)])
        nimb = dp.shape[0] + int(dp.shape[0] * 0.2)
        out['verification'][noise] = {}
        for name, negs in (('intra', intra), ('inter', inter)):
            dd = np.vstack([dists(negs), dp])
            out['verification'][noise][name] = {'balancedAuc': roc_auc(-dd, lab), 'imbalancedAp': ap(-dd[:nimb], lab[:nimb], conv)}
    for s in test:
        ref = d32[s]['ref']
        gt = np.arange(ref.shape[0])
        out['matching'][s] = {}
        for noise in 'eht':
            lst = []
            for i in range(1, 6):
                D = sd.cdist(ref, d32[s][f'{noise}{i}'], metric)
                nn = np.argmin(D, axis=1)
                ok = nn == gt
                lst.append({'ap': ap(-D[gt, nn], ok, conv, numpos=ok.shape[0]), 'sr': float(np.count_nonzero(ok) / ok.shape[0])})
            out['matching'][s][noise] = lst
    dq = np.array([d32[s]['ref'][i] for s, i in queries], dtype=np.float32)
    dd = np.array([d32[s]['ref'][i] for s, i in distractors], dtype=np.float32)
    Dqd = sd.cdist(dq, dd, metric)
    dseq = np.array([s for s, _ in distractors])
    retr = {str(k): {n: [] for n in 'eht'} for k in POOLS}
    for qi, (s, idx) in enumerate(queries):
        for noise in 'eht':
            dpos = np.array([sd.cdist(dq[qi:qi + 1], d32[s][f'{noise}{i}'][idx:idx + 1], metric)[0, 0] for i in range(1, 6)])
            row = np.concatenate([dpos, Dqd[qi][dseq != s]])
            gt = np.concatenate([np.ones(5), np.zeros(row.shape[0] - 5)])
            for k in POOLS:
                retr[str(k)][noise].append(ap(-row[:k], gt[:k], conv))
    out['retrieval'] = retr
    # article summary (utils/results.py), in percent
    v = out['verification']
    summ = {
        'verification': float(np.mean([100 * v[n][g]['imbalancedAp'] for n in 'eht' for g in ('intra', 'inter')])),
        'verificationBalanced': float(np.mean([100 * v[n][g]['balancedAuc'] for n in 'eht' for g in ('intra', 'inter')])),
    }
    mcases = {}
    for n in 'eht':
        for ty in 'iv':
            vals = [np.mean([x['ap'] for x in out['matching'][s][n]]) for s in test if s.startswith(ty + '_')]
            mcases[f'{n}.{ty}'] = float(100 * np.mean(vals))
    avg_i = np.mean([mcases[f'{n}.i'] for n in 'eht'])
    avg_v = np.mean([mcases[f'{n}.v'] for n in 'eht'])
    summ['matching'] = float((avg_i + avg_v) / 2)
    summ['matchingCases'] = mcases
    rc = {n: float(np.mean([np.mean(100 * np.array(retr[str(k)][n])) for k in POOLS])) for n in 'eht'}
    summ['retrieval'] = float(np.mean([rc[n] for n in 'eht']))
    summ['retrievalCases'] = rc
    out['summary'] = summ
    return out


def write_tasks(pos, intra, inter, queries, distractors):
    td = os.path.join(HERE, 'tasks')
    os.makedirs(td, exist_ok=True)
    seqs = list(SEQS)
    with open(os.path.join(td, 'splits.json'), 'w') as f:
        json.dump({'fx': {'name': 'fx', 'test': seqs}, 'fy': {'name': 'fy', 'test': ['i_fa', 'v_fd'], 'train': [s for s in seqs if s not in ('i_fa', 'v_fd')]}}, f)
    for name, rows in (('pos', pos), ('neg_intra', intra), ('neg_inter', inter)):
        with open(os.path.join(td, f'verif_{name}_split-fx.csv'), 'w') as f:
            f.write('s1,t1,idx1,s2,t2,idx2\n' + ''.join(f'{a},{ta},{ia},{b},{tb},{ib}\n' for a, ta, ia, b, tb, ib in rows))
    for name, rows in (('queries', queries), ('distractors', distractors)):
        with open(os.path.join(td, f'retr_{name}_split-fx.csv'), 'w') as f:
            f.write('s,idx\n' + ''.join(f'{s},{i}\n' for s, i in rows))


def write_descriptors(descr):
    for s, d in descr.items():
        sdir = os.path.join(HERE, 'descriptors', s)
        os.makedirs(sdir, exist_ok=True)
        for t in TYPES:
            np.savetxt(os.path.join(sdir, t + '.csv'), d[t], fmt='%g', delimiter=',')


def check_reference(ref_dir, descr, test, expected, dist='L2'):
    """Run the benchmark's own python code (tasks.py, metrics.py) on the fixture and compare."""
    import types
    if 'cv2' not in sys.modules:
        try:
            import cv2  # noqa: F401
        except ImportError:
            sys.modules['cv2'] = types.ModuleType('cv2')
    import pandas as pd
    if not hasattr(pd.DataFrame, 'as_matrix'):  # older revisions of tasks.py call the removed as_matrix()
        pd.DataFrame.as_matrix = pd.DataFrame.to_numpy
    sys.path.insert(0, ref_dir)
    import utils.tasks as T
    T.tskdir = os.path.join(HERE, 'tasks')
    T.TORCH_GPU_IS_AVAILABLE = False

    class Seq:
        pass
    dd = {}
    for s, d in descr.items():
        o = Seq()
        for t in TYPES:
            setattr(o, t, d[t].astype(np.float32))
        o.N = d['ref'].shape[0]
        o.dim = DIM
        dd[s] = o
    dd['distance'] = dist
    dd['dim'] = DIM
    split = {'name': 'fx', 'test': test}
    worst = 0.0
    v = T.eval_verification(dd, split)
    for n in 'eht':
        for g in ('intra', 'inter'):
            e = expected['verification'][n][g]
            worst = max(worst, abs(v[n][g]['balanced']['auc'] - e['balancedAuc']), abs(v[n][g]['imbalanced']['ap'] - e['imbalancedAp']))
    m = T.eval_matching(dd, split)
    for s in test:
        for n in 'eht':
            for i in range(1, 6):
                e = expected['matching'][s][n][i - 1]
                worst = max(worst, abs(m[s][n][i]['ap'] - e['ap']), abs(m[s][n][i]['sr'] - e['sr']))
    r = T.eval_retrieval(dd, split)
    for qi in r:
        for n in 'eht':
            for k in POOLS:
                worst = max(worst, abs(r[qi][n][k]['ap'] - expected['retrieval'][str(k)][n][qi]))
    print(f'benchmark code vs this script (python AP, {dist}): largest difference {worst:.3g}')
    assert worst <= 1e-12, worst


def main():
    ap_ = argparse.ArgumentParser()
    ap_.add_argument('--check-reference', metavar='DIR')
    a = ap_.parse_args()
    rng = np.random.default_rng(20171)
    descr, pos, intra, inter, queries, distractors = make_data(rng)
    write_descriptors(descr)
    write_tasks(pos, intra, inter, queries, distractors)
    test = list(SEQS)
    expected = {conv: evaluate(descr, pos, intra, inter, queries, distractors, test, conv) for conv in ('python', 'matlab')}
    expected['python-L1'] = evaluate(descr, pos, intra, inter, queries, distractors, test, 'python', 'cityblock')
    with open(os.path.join(HERE, 'expected.json'), 'w') as f:
        json.dump({'split': 'fx', 'pools': POOLS, **expected}, f)
    if a.check_reference:
        check_reference(a.check_reference, descr, test, expected['python'])
        check_reference(a.check_reference, descr, test, expected['python-L1'], 'L1')


if __name__ == '__main__':
    main()
