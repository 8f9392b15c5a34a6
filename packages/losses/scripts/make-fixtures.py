#!/usr/bin/env python3
"""Golden values for @descbench/losses, computed with PyTorch.

Each loss is rebuilt here in PyTorch from the reference formulas, mirroring the
semantics of the reference repositories (which op, which reduction, which
epsilon, where the mask sits, which element wins a tie):

  hardnet            DagnyT/hardnet            code/Losses.py  loss_HardNet (batch_reduce='min')
  hynet, sosnet      yuruntian/HyNet           train.py        Loss_HyNet / Loss_SOSNet, utils.py
  hynet ablations    HyNet paper, eq. 9 and Table 3 (same mining as Loss_HyNet)
  solar              tonyngjichun/SOLAR        solar_global/layers/functional.py
  contrastive        filipradenovic/cnnimageretrieval-pytorch  cirtorch/layers/functional.py
  tfeat              TFeat (Balntas et al., BMVC 2016): F.triplet_margin_loss(swap=True)
  csa                ouyjb/CSA                 network (RerankTransformer.forward) + train loop

Values and gradients (w.r.t. every float input) are computed in float64 on inputs
that are exactly representable in float32, then written as JSON into
packages/losses/src/__fixtures__/<family>.json.  Every case is also evaluated in
float32; the script refuses to write a case whose float32 result differs from the
float64 one by more than the tolerances the TypeScript tests use (value 1e-5,
gradient 1e-4, each |a - b| <= tol * (1 + |b|)), so no fixture sits on a knife edge
(a near-tie that float32 could break the other way).

Ties: torch.min(dim) returns the first index; torch.min(a, b) (elementwise) splits
the gradient in half on a tie; argsort is called with stable=True (the HyNet
repository calls the default, unstable argsort, whose tie order is unspecified).

Run:  /usr/bin/python3 packages/losses/scripts/make-fixtures.py
(Debian's python3-torch; CI only reads the committed JSON.)
"""

import json
import os
import sys

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', '__fixtures__')
VALUE_TOL = 1e-5
GRAD_TOL = 1e-4

# ---------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------

def eye(n, like):
    return torch.eye(n, dtype=like.dtype)


def unit_distance(x, y):
    """HyNet utils.py cal_l2_distance_matrix: sqrt(|2(1 - x y^T)| + 1e-6)."""
    return torch.sqrt(torch.abs(2 * (1 - x @ y.t())) + 1e-6)


def hynet_mining_matrix(m):
    """HyNet sort_distance: detach, +2 on the diagonal, then +2 where <= 0.008."""
    m = m.detach().clone()
    m = m + 2 * eye(m.shape[0], m)
    m = m + 2 * (m <= 8e-3).to(m.dtype)
    return m


def hynet_indices(L, R, LR):
    Lm, Rm, LRm = hynet_mining_matrix(L), hynet_mining_matrix(R), hynet_mining_matrix(LR)
    return (torch.argsort(Lm, dim=1, stable=True),
            torch.argsort(Rm, dim=0, stable=True),
            torch.argsort(LRm, dim=1, stable=True),
            torch.argsort(LRm, dim=0, stable=True))


def reduce(x, reduction):
    return x.sum() if reduction == 'sum' else x.mean()


# ---------------------------------------------------------------------------
# HardNet (DagnyT/hardnet code/Losses.py)
# ---------------------------------------------------------------------------

def hardnet(inp, o):
    a, p = inp['anchors'], inp['positives']
    d1 = (a * a).sum(1, keepdim=True)
    d2 = (p * p).sum(1, keepdim=True)
    D = torch.sqrt(d1 + d2.t() - 2.0 * (a @ p.t()) + 1e-6) + 1e-8
    n = D.shape[0]
    pos = torch.diag(D)
    Dm = D + eye(n, D) * 10
    Dm = Dm + (Dm < 0.008).to(D.dtype) * 10  # (ge(0.008) - 1) * -1 * 10
    min_neg = torch.min(Dm, 1)[0]
    if o['anchorSwap']:
        min_neg = torch.min(min_neg, torch.min(Dm, 0)[0])
    m = o['margin']
    if o['lossType'] == 'triplet_margin':
        loss = torch.clamp(m + pos - min_neg, min=0.0)
    elif o['lossType'] == 'softmax':
        exp_pos = torch.exp(2.0 - pos)
        exp_den = exp_pos + torch.exp(2.0 - min_neg) + 1e-8
        loss = -torch.log(exp_pos / exp_den)
    else:
        loss = torch.clamp(m - min_neg, min=0.0) + pos
    return loss.mean()


# ---------------------------------------------------------------------------
# HyNet family (yuruntian/HyNet train.py, paper eq. 5-9)
# ---------------------------------------------------------------------------

def hardest_negatives(a, p):
    """Loss_HyNet.triplet_loss_hybrid mining: per pair i the hardest of four
    candidates (anchor row, positive column, anchor-positive row, column),
    chosen on the distance and returned as (d, s) of the winner."""
    L, R, LR = unit_distance(a, a), unit_distance(p, p), unit_distance(a, p)
    SL, SR, SLR = a @ a.t(), p @ p.t(), a @ p.t()
    iL, iR, iLR, iRL = hynet_indices(L, R, LR)
    n = a.shape[0]
    idx = torch.arange(n)
    cand_d = torch.stack((L[idx, iL[:, 0]], R[iR[0, :], idx], LR[idx, iLR[:, 0]], LR[iRL[0, :], idx]))
    cand_s = torch.stack((SL[idx, iL[:, 0]], SR[iR[0, :], idx], SLR[idx, iLR[:, 0]], SLR[iRL[0, :], idx]))
    # torch.sort(dist_neg, dim=0)[..][0]: stable, so a tie goes to the first of the four
    win = torch.sort(cand_d.detach(), dim=0, stable=True)[1][0]
    d_neg = cand_d[win, idx]
    s_neg = cand_s[win, idx]
    return torch.diag(LR), torch.diag(SLR), d_neg, s_neg, (L, R, LR), (iL, iR, iLR, iRL)


def norm_regulariser(ra, rp):
    na = torch.sqrt((ra * ra).sum(1) + 1e-6)
    nb = torch.sqrt((rp * rp).sum(1) + 1e-6)
    return (na - nb) ** 2


def sos_term(L, R, LR, inds, k, cross):
    """Loss_HyNet.sos_loss / Loss_SOSNet.sos_loss."""
    iL, iR, iLR, iRL = inds
    n = L.shape[0]
    k = min(k, n)
    row = torch.arange(n).unsqueeze(1).expand(-1, k)
    col = torch.arange(n).unsqueeze(0).expand(k, -1)
    AL = torch.zeros(n, n, dtype=L.dtype)
    AR = torch.zeros(n, n, dtype=L.dtype)
    ALR = torch.zeros(n, n, dtype=L.dtype)
    AL[row, iL[:, :k]] = 1
    AR[iR[:k, :], col] = 1
    ALR[row, iLR[:, :k]] = 1
    ALR[iRL[:k, :], col] = 1
    AL = ((AL + AL.t()) > 0).to(L.dtype)
    AR = ((AR + AR.t()) > 0).to(L.dtype)
    ALR = ((ALR + ALR.t()) > 0).to(L.dtype)
    A = AL + AR + (ALR if cross else 0)
    A = (A > 0).to(L.dtype) * (1 - eye(n, L))
    diff = (L - R) * A
    return torch.sqrt((diff ** 2).sum(1) + 1e-6)


def hynet_like(measure):
    def f(inp, o):
        a, p = inp['anchors'], inp['positives']
        d_pos, s_pos, d_neg, s_neg, mats, inds = hardest_negatives(a, p)
        if measure == 'hybrid':
            al = o['alpha']
            per = torch.clamp(o['margin'] + (d_pos + d_pos ** 2 / 2 * al) - (d_neg + d_neg ** 2 / 2 * al), min=0.0)
        elif measure == 'A':
            per = torch.clamp(o['margin'] + (1 - s_pos) - d_neg, min=0.0)
        elif measure == 'B':
            per = (o['alpha'] * torch.clamp(o['marginS'] + (1 - s_pos) - (1 - s_neg), min=0.0)
                   + torch.clamp(o['marginD'] + d_pos - d_neg, min=0.0))
        elif measure == 's':
            per = torch.clamp(o['margin'] + (1 - s_pos) - (1 - s_neg), min=0.0)
        else:  # 'd'
            per = torch.clamp(o['margin'] + d_pos - d_neg, min=0.0)
        loss = reduce(per, o['reduction'])
        if o['gamma'] != 0:
            loss = loss + o['gamma'] * reduce(norm_regulariser(inp['rawAnchors'], inp['rawPositives']), o['reduction'])
        if o.get('sos', False):
            L, R, LR = mats
            loss = loss + reduce(sos_term(L, R, LR, inds, o['k'], o['crossGraph']), o['reduction'])
        return loss
    return f


# ---------------------------------------------------------------------------
# SOSNet (yuruntian/HyNet train.py Loss_SOSNet)
# ---------------------------------------------------------------------------

def sos_regulariser(inp, o):
    a, p = inp['anchors'], inp['positives']
    L, R, LR = unit_distance(a, a), unit_distance(p, p), unit_distance(a, p)
    return reduce(sos_term(L, R, LR, hynet_indices(L, R, LR), o['k'], o['crossGraph']), o['reduction'])


def sosnet(inp, o):
    a, p = inp['anchors'], inp['positives']
    L, R, LR = unit_distance(a, a), unit_distance(p, p), unit_distance(a, p)
    inds = hynet_indices(L, R, LR)
    iL, iR, iLR, iRL = inds
    idx = torch.arange(a.shape[0])
    neg_l = torch.min(LR[idx, iLR[:, 0]], L[idx, iL[:, 0]])
    neg_r = torch.min(LR[iRL[0, :], idx], R[iR[0, :], idx])
    neg = torch.min(neg_l, neg_r)
    pos = torch.diag(LR)
    fos = reduce(torch.clamp(o['margin'] + pos - neg, min=0.0) ** 2, o['reduction'])
    sos = reduce(sos_term(L, R, LR, inds, o['k'], o['crossGraph']), o['reduction'])
    return fos + o['sosWeight'] * sos


# ---------------------------------------------------------------------------
# Global descriptors: SOLAR and cirtorch (descriptors are rows here, columns there)
# ---------------------------------------------------------------------------

def split_tuples(x, labels):
    lab = torch.tensor(labels)
    nq = int((lab == -1).sum())
    S = x.shape[0] // nq
    xa = x[lab == -1].repeat(1, S - 2).view((S - 2) * nq, -1)
    xp = x[lab == 1].repeat(1, S - 2).view((S - 2) * nq, -1)
    xn = x[lab == 0]
    return xa, xp, xn, nq


def solar_triplet(inp, o):
    xa, xp, xn, nq = split_tuples(inp['descriptors'], inp['labels'])
    dp = ((xa - xp) ** 2).sum(1)
    dn = ((xa - xn) ** 2).sum(1)
    return torch.clamp(dp - dn + o['margin'], min=0).sum() / nq


def solar_sos(inp, o):
    xa, xp, xn, nq = split_tuples(inp['descriptors'], inp['labels'])
    dan = ((xa - xn) ** 2).sum(1)
    dpn = ((xp - xn) ** 2).sum(1)
    return ((dan - dpn) ** 2).sum() ** 0.5 / nq


def solar(inp, o):
    return solar_triplet(inp, o) + o['lambda'] * solar_sos(inp, o)


def contrastive(inp, o):
    x = inp['descriptors']
    lab = torch.tensor(inp['labels'], dtype=x.dtype)
    nq = int((lab == -1).sum())
    S = x.shape[0] // nq
    x1 = x[::S].repeat(1, S - 1).view((S - 1) * nq, -1)
    x2 = x[lab != -1]
    lbl = lab[lab != -1]
    D = ((x1 - x2 + o['eps']) ** 2).sum(1).sqrt()
    y = 0.5 * lbl * D ** 2 + 0.5 * (1 - lbl) * torch.clamp(o['margin'] - D, min=0) ** 2
    return y.sum()


# ---------------------------------------------------------------------------
# CSA (ouyjb/CSA): contrastive with temperature + L2 reconstruction of the affinity rows
# ---------------------------------------------------------------------------

def l2n(x):
    return torch.nn.functional.normalize(x, dim=-1)


def csa_contrastive(inp, o):
    nx = l2n(inp['tokens'])
    sim = (nx[:, 0, :].unsqueeze(1) * nx).sum(-1)
    e = torch.exp(sim / o['temperature'])
    t = inp['targets']
    return torch.mean(-1.0 * torch.log((e * t).sum(-1) / e.sum(-1)))


def csa_reconstruction(inp, o):
    diff = l2n(inp['affinity']) - l2n(inp['reconstruction'])
    return (diff ** 2).sum(-1).clamp(min=1e-4, max=1e4).sqrt().mean()


def csa(inp, o):
    return csa_contrastive(inp, o) + o['weight'] * csa_reconstruction(inp, o)


# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------

def tfeat(inp, o):
    return torch.nn.functional.triplet_margin_loss(inp['anchors'], inp['positives'], inp['negatives'],
                                                   margin=o['margin'], swap=o['anchorSwap'])


def f32(x):
    return np.asarray(x, dtype=np.float32)


def unit_rows(x):
    x = np.asarray(x, dtype=np.float64)
    return f32(x / np.linalg.norm(x, axis=1, keepdims=True))


def pairs(rng, n, dim, noise=0.5):
    a = unit_rows(rng.standard_normal((n, dim)))
    p = unit_rows(a.astype(np.float64) + noise * rng.standard_normal((n, dim)))
    return a, p


def raw_pairs(rng, n, dim, noise=0.4):
    """Raw (pre-normalisation) descriptors and their normalised rows."""
    ra = f32(rng.standard_normal((n, dim)) * rng.uniform(0.5, 3.0, (n, 1)))
    rp = f32(ra.astype(np.float64) * rng.uniform(0.7, 1.4, (n, 1)) + noise * rng.standard_normal((n, dim)))
    return unit_rows(ra), unit_rows(rp), ra, rp


def with_ties(a, p, rng):
    """Pair 1 copied into pairs 3 and 6 (exact ties between candidates, first index
    wins, row/column minima tie); pair 4 = pair 0 swapped (distances ~1e-3 fall
    inside the 0.008 mask); positive 5 ~0.004 from anchor 2 (inside the mask)."""
    a, p = a.copy(), p.copy()
    a[3], p[3] = a[1], p[1]
    a[6], p[6] = a[1], p[1]
    a[4], p[4] = p[0], a[0]
    d = rng.standard_normal(a.shape[1])
    d -= d.dot(a[2]) * a[2]
    p[5] = unit_rows((a[2].astype(np.float64) + 0.004 * d / np.linalg.norm(d))[None, :])[0]
    return a, p


def near_mask(a, p, rng):
    """Only the 0.008 mask: positive 1 lies ~0.004 from anchor 0."""
    a, p = a.copy(), p.copy()
    d = rng.standard_normal(a.shape[1])
    d -= d.dot(a[0]) * a[0]
    p[1] = unit_rows((a[0].astype(np.float64) + 0.004 * d / np.linalg.norm(d))[None, :])[0]
    return a, p


def tuples(rng, nq, nneg, dim):
    rows, labels = [], []
    for _ in range(nq):
        q = rng.standard_normal(dim)
        rows.append(q)
        rows.append(q + 0.6 * rng.standard_normal(dim))
        labels += [-1, 1]
        for _ in range(nneg):
            rows.append(rng.standard_normal(dim))
            labels.append(0)
    return unit_rows(np.stack(rows)), labels


def contrastive_tuples(rng, nq, npos, nneg, dim, margin_close=False):
    rows, labels = [], []
    for _ in range(nq):
        q = rng.standard_normal(dim)
        rows.append(q)
        labels.append(-1)
        kinds = [1] * npos + [0] * nneg
        for kind in kinds:
            if kind == 1:
                rows.append(q + 0.5 * rng.standard_normal(dim))
            else:
                rows.append(q + (0.35 if margin_close else 2.0) * rng.standard_normal(dim))
            labels.append(kind)
    return unit_rows(np.stack(rows)), labels


# ---------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------

def evaluate(fn, inputs, options, dtype):
    tens = {}
    for k, v in inputs.items():
        if isinstance(v, np.ndarray):
            tens[k] = torch.tensor(v.astype(np.float64), dtype=dtype, requires_grad=True)
        else:
            tens[k] = v
    value = fn(tens, options)
    grads = {}
    if value.requires_grad:
        params = [t for t in tens.values() if torch.is_tensor(t) and t.requires_grad]
        gs = torch.autograd.grad(value, params, allow_unused=True)
        names = [k for k, t in tens.items() if torch.is_tensor(t) and t.requires_grad]
        for k, g in zip(names, gs):
            grads[k] = np.zeros(inputs[k].shape) if g is None else g.detach().numpy().astype(np.float64)
    return float(value.detach()), grads


def close(a, b, tol):
    return np.all(np.abs(np.asarray(a) - np.asarray(b)) <= tol * (1 + np.abs(np.asarray(b))))


def tensor_json(x):
    x = np.asarray(x)
    return {'shape': list(x.shape), 'data': [float(v) for v in x.reshape(-1)]}


def make_case(fn, loss, name, inputs, options, no_grad=()):
    v64, g64 = evaluate(fn, inputs, options, torch.float64)
    v32, g32 = evaluate(fn, inputs, options, torch.float32)
    if not close(v32, v64, VALUE_TOL):
        sys.exit(f'{name}: float32 value {v32} vs float64 {v64} beyond tolerance; pick other inputs')
    for k in g64:
        if not close(g32[k], g64[k], GRAD_TOL):
            worst = np.max(np.abs(g32[k] - g64[k]))
            sys.exit(f'{name}: float32 gradient of {k} differs from float64 by {worst}; pick other inputs')
    case = {
        'loss': loss,
        'name': name,
        'options': options,
        'inputs': {},
        'value': v64,
        'grads': {k: tensor_json(g) for k, g in g64.items() if k not in no_grad},
    }
    for k, v in inputs.items():
        case['inputs'][k] = tensor_json(v) if isinstance(v, np.ndarray) else list(v)
    return case


def write(family, cases):
    os.makedirs(OUT, exist_ok=True)
    doc = {
        'generator': 'packages/losses/scripts/make-fixtures.py',
        'torch': torch.__version__,
        'numpy': np.__version__,
        'dtype': 'float64 (inputs exactly representable in float32)',
        'cases': cases,
    }
    path = os.path.join(OUT, f'{family}.json')
    with open(path + '.tmp', 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    os.replace(path + '.tmp', path)
    print(f'{path}: {len(cases)} cases')


def main():
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(20240601)
    DIM = 8

    # --- HardNet --------------------------------------------------------------
    hn = {'margin': 1.0, 'anchorSwap': True, 'lossType': 'triplet_margin'}
    cases = []
    a, p = pairs(rng, 2, DIM)
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n2', {'anchors': a, 'positives': p}, hn))
    a, p = pairs(rng, 9, DIM)
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n9', {'anchors': a, 'positives': p}, hn))
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n9-no-swap', {'anchors': a, 'positives': p},
                           {**hn, 'anchorSwap': False}))
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n9-softmax', {'anchors': a, 'positives': p},
                           {**hn, 'lossType': 'softmax'}))
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n9-contrastive', {'anchors': a, 'positives': p},
                           {**hn, 'lossType': 'contrastive'}))
    a, p = pairs(rng, 24, DIM, noise=0.8)
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n24', {'anchors': a, 'positives': p}, hn))
    a, p = with_ties(*pairs(rng, 10, DIM, noise=0.1), rng)
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n10-ties-and-mask', {'anchors': a, 'positives': p}, hn))
    a, p = near_mask(*pairs(rng, 6, DIM), rng)
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n6-mask', {'anchors': a, 'positives': p}, hn))
    a, p = pairs(rng, 64, 32, noise=0.35)
    cases.append(make_case(hardnet, 'hardnet', 'hardnet/n64-d32', {'anchors': a, 'positives': p}, hn))
    write('hardnet', cases)

    # --- SOS regulariser and SOSNet --------------------------------------------
    cases = []
    sr = {'k': 8, 'crossGraph': False, 'reduction': 'sum'}
    a, p = pairs(rng, 20, DIM)
    cases.append(make_case(sos_regulariser, 'sos', 'sos/n20', {'anchors': a, 'positives': p}, sr))
    cases.append(make_case(sos_regulariser, 'sos', 'sos/n20-k3-cross', {'anchors': a, 'positives': p},
                           {**sr, 'k': 3, 'crossGraph': True}))
    cases.append(make_case(sos_regulariser, 'sos', 'sos/n20-k3-mean', {'anchors': a, 'positives': p},
                           {**sr, 'k': 3, 'reduction': 'mean'}))
    a, p = pairs(rng, 5, DIM)
    cases.append(make_case(sos_regulariser, 'sos', 'sos/n5-k-exceeds-batch', {'anchors': a, 'positives': p}, sr))
    a, p = with_ties(*pairs(rng, 14, DIM, noise=0.1), rng)
    cases.append(make_case(sos_regulariser, 'sos', 'sos/n14-ties-and-mask', {'anchors': a, 'positives': p}, sr))
    sn = {'margin': 1.0, 'k': 8, 'crossGraph': False, 'reduction': 'sum', 'sosWeight': 1.0}
    a, p = pairs(rng, 2, DIM)
    cases.append(make_case(sosnet, 'sosnet', 'sosnet/n2', {'anchors': a, 'positives': p}, sn))
    a, p = pairs(rng, 16, DIM, noise=0.7)
    cases.append(make_case(sosnet, 'sosnet', 'sosnet/n16', {'anchors': a, 'positives': p}, sn))
    cases.append(make_case(sosnet, 'sosnet', 'sosnet/n16-cross-mean', {'anchors': a, 'positives': p},
                           {**sn, 'crossGraph': True, 'reduction': 'mean'}))
    a, p = with_ties(*pairs(rng, 12, DIM, noise=0.1), rng)
    cases.append(make_case(sosnet, 'sosnet', 'sosnet/n12-ties-and-mask', {'anchors': a, 'positives': p}, sn))
    write('sosnet', cases)

    # --- HyNet and its ablations -------------------------------------------------
    cases = []
    hy = {'margin': 1.2, 'alpha': 2.0, 'gamma': 0.1, 'reduction': 'sum', 'sos': False, 'k': 8, 'crossGraph': True}
    u_a, u_p, ra, rp = raw_pairs(rng, 2, DIM, noise=2.5)
    base = {'anchors': u_a, 'positives': u_p, 'rawAnchors': ra, 'rawPositives': rp}
    cases.append(make_case(hynet_like('hybrid'), 'hynet', 'hynet/n2', base, hy))
    u_a, u_p, ra, rp = raw_pairs(rng, 12, DIM)
    base = {'anchors': u_a, 'positives': u_p, 'rawAnchors': ra, 'rawPositives': rp}
    cases.append(make_case(hynet_like('hybrid'), 'hynet', 'hynet/n12', base, hy))
    cases.append(make_case(hynet_like('hybrid'), 'hynet', 'hynet/n12-mean-alpha0.5', base,
                           {**hy, 'alpha': 0.5, 'reduction': 'mean'}))
    cases.append(make_case(hynet_like('hybrid'), 'hynet', 'hynet/n12-with-sos', base, {**hy, 'sos': True}))
    cases.append(make_case(hynet_like('A'), 'hynet-a', 'hynet-a/n12', base,
                           {'margin': 1.0, 'gamma': 0.1, 'reduction': 'sum'}))
    cases.append(make_case(hynet_like('B'), 'hynet-b', 'hynet-b/n12', base,
                           {'alpha': 2.0, 'marginS': 0.9, 'marginD': 1.2, 'gamma': 0.1, 'reduction': 'sum'}))
    cases.append(make_case(hynet_like('s'), 'hynet-s', 'hynet-s/n12', base,
                           {'margin': 0.6, 'gamma': 0.1, 'reduction': 'sum'}))
    cases.append(make_case(hynet_like('d'), 'hynet-d', 'hynet-d/n12', base,
                           {'margin': 1.0, 'gamma': 0.1, 'reduction': 'sum'}))
    # ties: normalised rows with pair copies; raw rows are a scaled copy so the norm term is non-zero
    a, p = with_ties(*pairs(rng, 10, DIM, noise=0.1), rng)
    scale_a = f32(rng.uniform(0.5, 2.0, (10, 1)))
    scale_p = f32(rng.uniform(0.5, 2.0, (10, 1)))
    tie = {'anchors': a, 'positives': p, 'rawAnchors': f32(a * scale_a), 'rawPositives': f32(p * scale_p)}
    cases.append(make_case(hynet_like('hybrid'), 'hynet', 'hynet/n10-ties-and-mask', tie, hy))
    cases.append(make_case(hynet_like('B'), 'hynet-b', 'hynet-b/n10-ties-and-mask', tie,
                           {'alpha': 2.0, 'marginS': 0.9, 'marginD': 1.2, 'gamma': 0.1, 'reduction': 'sum'}))
    u_a, u_p, ra, rp = raw_pairs(rng, 40, 32, noise=1.2)
    big = {'anchors': u_a, 'positives': u_p, 'rawAnchors': ra, 'rawPositives': rp}
    cases.append(make_case(hynet_like('hybrid'), 'hynet', 'hynet/n40-d32-with-sos', big, {**hy, 'sos': True}))
    cases.append(make_case(lambda inp, o: o['gamma'] * reduce(norm_regulariser(inp['rawAnchors'], inp['rawPositives']), o['reduction']),
                           'l2-norm', 'l2-norm/n12', {'rawAnchors': ra[:12], 'rawPositives': rp[:12]},
                           {'gamma': 0.1, 'reduction': 'sum'}))
    write('hynet', cases)

    # --- SOLAR and the cirtorch contrastive loss ------------------------------
    cases = []
    so = {'margin': 1.25, 'lambda': 10.0}
    x, lab = tuples(rng, 1, 5, 16)
    cases.append(make_case(solar, 'solar', 'solar/q1-n5', {'descriptors': x, 'labels': lab}, so))
    x, lab = tuples(rng, 3, 4, 16)
    cases.append(make_case(solar, 'solar', 'solar/q3-n4', {'descriptors': x, 'labels': lab}, so))
    cases.append(make_case(solar_triplet, 'solar-triplet', 'solar-triplet/q3-n4', {'descriptors': x, 'labels': lab},
                           {'margin': 1.25}))
    cases.append(make_case(solar_sos, 'solar-sos', 'solar-sos/q3-n4', {'descriptors': x, 'labels': lab}, {}))
    ct = {'margin': 0.7, 'eps': 1e-6}
    x, lab = contrastive_tuples(rng, 1, 1, 5, 16, margin_close=True)
    cases.append(make_case(contrastive, 'contrastive', 'contrastive/q1-p1-n5', {'descriptors': x, 'labels': lab}, ct))
    x, lab = contrastive_tuples(rng, 2, 2, 3, 16, margin_close=True)
    cases.append(make_case(contrastive, 'contrastive', 'contrastive/q2-p2-n3', {'descriptors': x, 'labels': lab},
                           {'margin': 1.1, 'eps': 1e-6}))
    write('global', cases)

    # --- CSA ------------------------------------------------------------------------
    cases = []
    B, T, E, L = 3, 9, 12, 7
    tokens = f32(rng.standard_normal((B, T, E)))
    targets = f32((rng.uniform(size=(B, T)) < 0.4).astype(np.float64))
    targets[:, 0] = 1.0  # token 0 is the query: always a positive in the CSA dataset
    aff = f32(rng.uniform(-0.2, 1.0, (B, T, L)))
    rec = f32(aff.astype(np.float64) + 0.3 * rng.standard_normal((B, T, L)))
    rec[0, 2] = aff[0, 2]  # an exact reconstruction: the clamp at 1e-4 is active there
    csa_in = {'tokens': tokens, 'targets': targets, 'affinity': aff, 'reconstruction': rec}
    cases.append(make_case(csa, 'csa', 'csa/b3-t9', csa_in, {'temperature': 2.0, 'weight': 0.2}, no_grad=('targets',)))
    cases.append(make_case(csa_contrastive, 'csa-contrastive', 'csa-contrastive/b3-t9-t0.5',
                           {'tokens': tokens, 'targets': targets}, {'temperature': 0.5}, no_grad=('targets',)))
    cases.append(make_case(csa_reconstruction, 'csa-reconstruction', 'csa-reconstruction/b3-t9',
                           {'affinity': aff, 'reconstruction': rec}, {}))
    write('csa', cases)

    # --- TFeat (own generator, so the families above keep their inputs) -------------
    rng = np.random.default_rng(20261201)
    cases = []
    tf_o = {'margin': 1.0, 'anchorSwap': True}
    for name, n, dim, noise in [('n1', 1, DIM, 0.5), ('n9', 9, DIM, 0.6), ('n16-d32', 16, 32, 0.9)]:
        a, p = pairs(rng, n, dim, noise=noise)
        neg = unit_rows(rng.standard_normal((n, dim)))
        inp = {'anchors': a, 'positives': p, 'negatives': neg}
        cases.append(make_case(tfeat, 'tfeat', f'tfeat/{name}', inp, tf_o))
        if n == 9:
            cases.append(make_case(tfeat, 'tfeat', f'tfeat/{name}-no-swap', inp, {**tf_o, 'anchorSwap': False}))
            cases.append(make_case(tfeat, 'tfeat', f'tfeat/{name}-margin-0.5', inp, {**tf_o, 'margin': 0.5}))
    write('tfeat', cases)


if __name__ == '__main__':
    main()
