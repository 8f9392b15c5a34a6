"""Reference values for extract.test.ts (run: /usr/bin/python3 make-extract-fixture.py > extract-fixture.json).

PyTorch 1.13 + numpy, following cirtorch's definitions (cirtorch/layers/functional.py: mac, gem,
rmac, l2n; cirtorch/networks/imageretrievalnet.py: extract_ss / extract_ms;
cirtorch/utils/whiten.py: pcawhitenlearn, whitenapply), written out here for a tiny backbone:
Conv2d(3 -> 8, 3x3, stride 2, bias) + ReLU with seeded weights, on a seeded 37 x 53 RGB image.
"""
import json
import math

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(0)
rng = np.random.default_rng(0)
conv = torch.nn.Conv2d(3, 8, 3, stride=2)
img = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
x = (torch.from_numpy(img).permute(2, 0, 1).float().unsqueeze(0) / 255 - mean) / std


def l2n(v, eps=1e-6):
    return v / (torch.norm(v, p=2, dim=1, keepdim=True) + eps).expand_as(v)


def mac(f):
    return F.max_pool2d(f, (f.size(-2), f.size(-1)))


def gem(f, p=3, eps=1e-6):
    return F.avg_pool2d(f.clamp(min=eps).pow(p), (f.size(-2), f.size(-1))).pow(1. / p)


def rmac(f, L=3, eps=1e-6):
    ovr = 0.4
    steps = torch.Tensor([2, 3, 4, 5, 6, 7])
    W, H = f.size(3), f.size(2)
    w = min(W, H)
    b = (max(H, W) - w) / (steps - 1)
    _, idx = torch.min(torch.abs(((w ** 2 - w * b) / w ** 2) - ovr), 0)
    Wd = idx.item() + 1 if H < W else 0
    Hd = idx.item() + 1 if H > W else 0
    v = l2n(mac(f), eps)
    for l in range(1, L + 1):
        wl = math.floor(2 * w / (l + 1))
        wl2 = math.floor(wl / 2 - 1)
        bw = 0 if l + Wd == 1 else (W - wl) / (l + Wd - 1)
        cenW = torch.floor(wl2 + torch.Tensor(range(l - 1 + Wd + 1)) * bw) - wl2
        bh = 0 if l + Hd == 1 else (H - wl) / (l + Hd - 1)
        cenH = torch.floor(wl2 + torch.Tensor(range(l - 1 + Hd + 1)) * bh) - wl2
        for i_ in cenH.tolist():
            for j_ in cenW.tolist():
                if wl == 0:
                    continue
                R = f[:, :, int(i_):int(i_) + wl, int(j_):int(j_) + wl]
                v = v + l2n(mac(R), eps)
    return v


POOL = {'gem': gem, 'mac': mac, 'rmac': rmac}


def net(inp, pooling):
    return l2n(POOL[pooling](F.relu(conv(inp)))).squeeze()


def extract(pooling, scales, msp=1):
    v = torch.zeros(8)
    for s in scales:
        inp = x if s == 1 else F.interpolate(x, scale_factor=s, mode='bilinear', align_corners=False)
        v += net(inp, pooling).pow(msp)
    v /= len(scales)
    v = v.pow(1. / msp)
    return v / v.norm()


ms = [1, 1 / math.sqrt(2), 1 / 2]
out = {
    'weight': conv.weight.detach().numpy().ravel().tolist(),
    'bias': conv.bias.detach().numpy().tolist(),
    'image': img.ravel().tolist(),
    'height': 37,
    'width': 53,
    'single': {p: extract(p, [1]).tolist() for p in POOL},
    'multi': {'gem': extract('gem', ms, 3).tolist(), 'mac': extract('mac', ms).tolist(), 'rmac': extract('rmac', ms).tolist()},
    'resized': F.interpolate(x, scale_factor=1 / math.sqrt(2), mode='bilinear', align_corners=False).numpy().ravel().tolist(),
    'featuremap_shape': list(F.relu(conv(x)).shape),
}
# learned PCA-whitening (pcawhitenlearn / whitenapply) on 40 random 6-d descriptors
X = rng.standard_normal((6, 40)).astype(np.float64) * np.arange(1, 7)[:, None]
m = X.mean(axis=1, keepdims=True)
Xc = X - m
C = Xc @ Xc.T
C = (C + C.T) / (2 * X.shape[1])
ev, V = np.linalg.eig(C)
order = ev.argsort()[::-1]
ev, V = ev[order], V[:, order]
P = np.linalg.inv(np.sqrt(np.diag(ev))) @ V.T
Y = P @ (X - m)
Y = Y / (np.linalg.norm(Y, ord=2, axis=0, keepdims=True) + 1e-6)
out['whiten'] = {'X': X.T.ravel().tolist(), 'eigenvalues': ev.tolist(), 'gram': (Y.T @ Y).ravel().tolist()}
print(json.dumps(out))
