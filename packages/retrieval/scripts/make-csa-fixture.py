#!/usr/bin/env python3
"""Golden values for the CSA re-ranker in @descbench/retrieval, computed with PyTorch.

The network is rebuilt here in plain PyTorch from the facts of the authors' code
(MCC-WH/CSA network/RerankTransformer.py and network/Transformer_Block.py):

  Linear(L -> L') on the affinity rows, `depth` pre-norm ViT blocks
  (x + attn(LN(x)), x + mlp(LN(x)); LayerNorm eps 1e-5; qkv one Linear(L' -> 3L'),
  optional bias, split as reshape(B, T, 3, H, Dh).permute(2, 0, 3, 1, 4);
  softmax(q k^T Dh^-1/2); proj Linear; MLP fc1 -> exact GELU -> fc2),
  reconstruction Linear(L' -> L) ("feature_align"),
  forward_feature: cos(token 0, token j) for j >= 1,
  loss: contrastive -log(sum_j y_j e^{cos_0j/t} / sum_j e^{cos_0j/t}) over all tokens
  (t = 2) + weight x mean sqrt(clamp(|norm(a) - norm(r)|^2, 1e-4, 1e4)).

Evaluation mode (no dropout): dropout masks cannot match across frameworks.
Weights and inputs are float32 numbers; the reference runs in float64. Gradients of the
total loss with respect to every parameter are included (the trainer's optimiser input).

Run:  /usr/bin/python3 packages/retrieval/scripts/make-csa-fixture.py
(Debian's python3-torch 1.13; CI only reads the committed JSON.)
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'csa', '__fixtures__', 'csa-model.json')


def params(cfg):
    e, l, hid = cfg['embedDim'], cfg['anchors'], cfg['mlpRatio'] * cfg['embedDim']
    out = [('topk_proj.weight', [e, l]), ('topk_proj.bias', [e]),
           ('feature_align.layers.0.weight', [l, e]), ('feature_align.layers.0.bias', [l])]
    for b in range(cfg['depth']):
        p = 'blocks.%d.' % b
        out += [(p + 'norm1.weight', [e]), (p + 'norm1.bias', [e]), (p + 'attn.qkv.weight', [3 * e, e])]
        if cfg['qkvBias']:
            out.append((p + 'attn.qkv.bias', [3 * e]))
        out += [(p + 'attn.proj.weight', [e, e]), (p + 'attn.proj.bias', [e]),
                (p + 'norm2.weight', [e]), (p + 'norm2.bias', [e]),
                (p + 'mlp.fc1.weight', [hid, e]), (p + 'mlp.fc1.bias', [hid]),
                (p + 'mlp.fc2.weight', [e, hid]), (p + 'mlp.fc2.bias', [e])]
    return out


def forward(sd, cfg, x):
    e, h = cfg['embedDim'], cfg['heads']
    dh = e // h
    lin = lambda t, k, bias=True: F.linear(t, sd[k + '.weight'], sd[k + '.bias'] if bias else None)
    ln = lambda t, k: F.layer_norm(t, (e,), sd[k + '.weight'], sd[k + '.bias'], 1e-5)
    x = lin(x, 'topk_proj')
    for b in range(cfg['depth']):
        p = 'blocks.%d.' % b
        y = ln(x, p + 'norm1')
        bsz, t, _ = y.shape
        qkv = lin(y, p + 'attn.qkv', cfg['qkvBias']).reshape(bsz, t, 3, h, dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * dh ** -0.5).softmax(dim=-1)
        x = x + lin((attn @ v).transpose(1, 2).reshape(bsz, t, e), p + 'attn.proj')
        y = ln(x, p + 'norm2')
        x = x + lin(F.gelu(lin(y, p + 'mlp.fc1')), p + 'mlp.fc2')
    return x, lin(x, 'feature_align.layers.0')


def case(name, cfg, batch, tokens, seed, scale):
    rng = np.random.default_rng(seed)
    sd = {}
    for k, shape in params(cfg):
        if k.endswith('norm1.weight') or k.endswith('norm2.weight'):
            a = 1 + 0.1 * rng.standard_normal(shape)
        else:
            a = scale * rng.standard_normal(shape)
        sd[k] = torch.tensor(a.astype(np.float32).astype(np.float64), requires_grad=True)
    # affinity rows: cosine-like numbers in [-1, 1]
    aff = torch.tensor(rng.uniform(-1, 1, (batch, tokens, cfg['anchors'])).astype(np.float32).astype(np.float64))
    targets = (rng.uniform(0, 1, (batch, tokens)) < 0.3).astype(np.float64)
    targets[:, 0] = 1
    targets = torch.tensor(targets)
    toks, recon = forward(sd, cfg, aff)
    n = F.normalize(toks, dim=-1)
    sim = (n[:, :1, :] * n).sum(-1)
    scores = sim[:, 1:]
    ex = torch.exp(sim / cfg['temperature'])
    contrastive = torch.mean(-torch.log((ex * targets).sum(-1) / ex.sum(-1)))
    mse = (F.normalize(aff, dim=-1) - F.normalize(recon, dim=-1)).pow(2).sum(-1).clamp(min=1e-4, max=1e4).sqrt().mean()
    loss = contrastive + cfg['weight'] * mse
    loss.backward()
    flat = lambda t: [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]
    return {
        'name': name,
        'config': {k: v for k, v in cfg.items() if k != 'weight'},
        'weight': cfg['weight'],
        'stateDict': {k: {'shape': list(v.shape), 'data': flat(v)} for k, v in sd.items()},
        'affinity': {'shape': list(aff.shape), 'data': flat(aff)},
        'targets': {'shape': list(targets.shape), 'data': flat(targets)},
        'tokens': flat(toks),
        'reconstruction': flat(recon),
        'scores': flat(scores),
        'contrastive': float(contrastive),
        'reconstructionLoss': float(mse),
        'loss': float(loss),
        'grads': {k: flat(v.grad) for k, v in sd.items()},
    }


def main():
    base = dict(anchors=12, embedDim=16, depth=2, heads=4, mlpRatio=4, qkvBias=True,
                dropRate=0.1, attnDropRate=0.1, dropPathRate=0.1, temperature=2.0, weight=0.2)
    cases = [
        case('paper-shape (2 blocks, qkv bias)', base, batch=3, tokens=9, seed=1, scale=0.3),
        case('one block, no qkv bias, t = 0.5', dict(base, depth=1, qkvBias=False, temperature=0.5, weight=1.0, heads=2),
             batch=2, tokens=7, seed=2, scale=0.3),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'generator': 'packages/retrieval/scripts/make-csa-fixture.py', 'torch': torch.__version__, 'cases': cases}, f)
    print('wrote', OUT)


if __name__ == '__main__':
    main()
