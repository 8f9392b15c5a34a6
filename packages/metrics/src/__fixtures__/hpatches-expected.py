#!/usr/bin/env python3
"""Expected HPatches task outputs for the synthetic sets of hpatches-synthetic.ts.

Reads {"quantized": <set>, "float": <set>} (from hpatches-synthetic-json.ts) on stdin and writes
hpatches-expected.ts on stdout. Follows hpatches-benchmark python/utils (metrics.py tpfp/pr/roc:
mergesort ranking on -distance, -inf never retrieved, trapezoid areas; tasks.py: verification
with scipy euclidean per pair, balanced ROC AUC over negatives + positives, imbalanced AP over
the first P + int(0.2 P) of [negatives; positives]; matching with cdist, argmin per reference
patch, AP with numpos = #patches, success rate; retrieval with float32 query/distractor
descriptors, the 5 same-patch images as positives, distractors of other sequences, AP on the
first k of each pool). The summary follows metrics/src/hpatches-summary.ts's documented rule
(verification: mean imbalanced AP; matching: per sequence mean over its 5 images, mean per noise
level and sequence type i/v, mean over levels per type, mean of the types; retrieval: per level
the mean over pools of the mean over queries, then the mean of e/h/t), in percent.
Numpy and scipy (Debian's python3-numpy / python3-scipy) only; nothing from this project runs here.
"""
import json
import sys

import numpy as np
from scipy import spatial

TP = ['e', 'h', 't']
ID2T = ['ref', '1', '2', '3', '4', '5']
POOLS = [3, 8, 10, 100]
trapz = getattr(np, 'trapezoid', None) or np.trapz


def tpfp(scores, labels, numpos=None):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels)
    p = int(np.sum(labels))
    n = len(labels) - p
    if numpos is not None:
        assert numpos >= p
        scores = np.hstack((scores, np.repeat(-np.inf, numpos - p)))
        labels = np.hstack((labels, np.repeat(1, numpos - p)))
        p = numpos
    perm = np.argsort(-scores, kind='mergesort')
    scores = scores[perm]
    stop = np.max(np.where(scores > -np.inf))
    perm = perm[0:stop + 1]
    labels = labels[perm]
    tp = np.hstack((0, np.cumsum(labels == 1)))
    fp = np.hstack((0, np.cumsum(labels == 0)))
    return tp, fp, p, n


def pr_ap(scores, labels, numpos=None):
    tp, fp, p, _ = tpfp(scores, labels, numpos)
    small = 1e-10
    recall = tp / float(np.maximum(p, small))
    precision = np.maximum(tp, small) / np.maximum(tp + fp, small)
    return float(trapz(precision, recall))


def roc_auc(scores, labels):
    tp, fp, p, n = tpfp(scores, labels)
    small = 1e-10
    return float(trapz(tp / float(np.maximum(p, small)), fp / float(np.maximum(n, small))))


def image(descr, seq, t, k):
    name = 'ref' if k == 0 else t + ID2T[k]
    return np.asarray(descr[seq][name], dtype=np.float64)


def verification(x):
    descr = x['descr']
    v = x['verification']
    out = {}
    for t in TP:
        def dists(pairs):
            return np.array([spatial.distance.euclidean(image(descr, q['s1'], t, q['t1'])[q['idx1']], image(descr, q['s2'], t, q['t2'])[q['idx2']]) for q in pairs])
        d_pos = dists(v['positives'])
        res = {}
        for neg in ['intra', 'inter']:
            d_neg = dists(v['negIntra' if neg == 'intra' else 'negInter'])
            labels = np.hstack((np.zeros_like(d_pos), np.ones_like(d_pos)))
            d = np.hstack((d_neg, d_pos))
            n_imb = d_pos.shape[0] + int(d_pos.shape[0] * 0.2)
            res[neg] = {'balancedAuc': roc_auc(-d, labels), 'imbalancedAp': pr_ap(-d[0:n_imb], labels[0:n_imb])}
        out[t] = res
    return out


def matching(x):
    descr = x['descr']
    out = {}
    for seq in x['sequences']:
        d_ref = image(descr, seq, 'e', 0)
        gt = np.arange(d_ref.shape[0])
        out[seq] = {}
        for t in TP:
            rows = []
            for i in range(1, 6):
                D = spatial.distance.cdist(d_ref, image(descr, seq, t, i), 'euclidean')
                idx = np.argmin(D, axis=1)
                m_l = np.equal(idx, gt)
                rows.append({'ap': pr_ap(-D[gt, idx], m_l, numpos=m_l.shape[0]), 'sr': np.count_nonzero(m_l) / float(m_l.shape[0])})
            out[seq][t] = rows
    return out


def retrieval(x):
    descr = x['descr']
    q = x['queries']
    d = x['distractors']
    desc_q = np.array([image(descr, r['s'], 'e', 0)[r['idx']] for r in q]).astype(np.float32)
    desc_d = np.array([image(descr, r['s'], 'e', 0)[r['idx']] for r in d]).astype(np.float32)
    d_seq = np.array([r['s'] for r in d])
    D = spatial.distance.cdist(desc_q, desc_d, 'euclidean')
    out = {t: [[0.0] * len(q) for _ in POOLS] for t in TP}
    for i, r in enumerate(q):
        for t in TP:
            # float32 query against the float64 images, as get_query_intra_dists does
            d_intra = np.array([spatial.distance.cdist(desc_q[i][None, :], image(descr, r['s'], t, k)[r['idx']][None, :], 'euclidean')[0, 0] for k in range(1, 6)])
            d_ = np.hstack((d_intra, D[i, :][d_seq != r['s']]))
            gt = np.hstack((np.ones(5), np.zeros(d_.shape[0] - 5)))
            for pi, k in enumerate(POOLS):
                out[t][pi][i] = pr_ap(-d_[0:k], gt[0:k])
    return out


def summary(v, m, r):
    verif = np.mean([v[t][neg]['imbalancedAp'] for t in TP for neg in ['intra', 'inter']])
    type_means = []
    for typ in ['i', 'v']:
        vals = []
        for t in TP:
            per_seq = [np.mean([x['ap'] for x in m[s][t]]) for s in m if s.split('_')[0] == typ]
            if per_seq:
                vals.append(np.mean(per_seq))
        if vals:
            type_means.append(np.mean(vals))
    retr = np.mean([np.mean([np.mean(aps) for aps in r[t]]) for t in TP])
    return {'verification': 100 * float(verif), 'matching': 100 * float(np.mean(type_means)), 'retrieval': 100 * float(retr)}


def expected(x):
    v = verification(x)
    m = matching(x)
    r = retrieval(x)
    return {'verification': v, 'matching': m, 'retrieval': r, 'summary': summary(v, m, r)}


data = json.load(sys.stdin)
sys.stdout.write('''/**
 * Expected HPatches task outputs for `syntheticHPatches(true)` (quantized) and
 * `syntheticHPatches(false)` (float64), computed by hpatches-expected.py (numpy/scipy, following
 * hpatches-benchmark python/utils/{metrics,tasks,results}.py: scipy euclidean/cdist, mergesort
 * ranking, trapezoid AP; retrieval pools [3, 8, 10, 100]; summary in percent). Regenerate with:
 *   npx tsx packages/metrics/src/__fixtures__/hpatches-synthetic-json.ts \\
 *     | python3 packages/metrics/src/__fixtures__/hpatches-expected.py > packages/metrics/src/__fixtures__/hpatches-expected.ts
 */
''')
sys.stdout.write('export const EXPECTED_QUANTIZED = %s as const;\n' % json.dumps(expected(data['quantized'])))
sys.stdout.write('export const EXPECTED_FLOAT = %s as const;\n' % json.dumps(expected(data['float'])))
