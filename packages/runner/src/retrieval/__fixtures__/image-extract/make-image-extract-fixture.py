"""Fixture of image-extract.test.ts (run: /usr/bin/python3 make-image-extract-fixture.py > expected.json;
PyTorch 1.13, numpy, Pillow 9.4 from Debian).

Writes, beside this script:
- backbone.onnx: a tiny seeded backbone, Conv(3->8, 3x3, s2) + ReLU + Conv(8->8, 3x3) + ReLU,
  exported with torch.onnx (input 'image' [1, 3, h, w], output 'features' [1, 8, fh, fw]);
- revisitop/roxford5k/: a small dataset in revisitop's layout (jpg/<name>.jpg written by PIL,
  gnd_roxford5k.pkl with imlist, qimlist and per-query bbx / easy / hard / junk);
- backbone-1ch.onnx: the same kind of model on 1-channel input (a backbone with the wrong input);
- whiten-train.npy: 40 seeded 8-d training descriptors [N, D] to learn a PCA-whitening on;
- lw.pkl: a whitening {'m': D x 1, 'P': D x D} (pickle, numpy arrays) learned by
  pcawhitenlearn on whiten-train.npy, for --whitening;
and prints the descriptors cirtorch's protocol gives (cirtorch/datasets: pil_loader, crop by
gnd[i]['bbx'], imresize = thumbnail((imsize, imsize), ANTIALIAS); ToTensor + ImageNet
normalisation; cirtorch/networks/imageretrievalnet.py extract_ms with its msp; whitenapply), as
{config: {'db': D x N, 'query': D x Q}}; pooling and l2n written out as cirtorch/layers/functional.py.
"""
import json
import math
import os
import pickle

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(3)
rng = np.random.default_rng(3)

net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, stride=2), torch.nn.ReLU(), torch.nn.Conv2d(8, 8, 3), torch.nn.ReLU()).eval()
torch.onnx.export(net, torch.zeros(1, 3, 40, 50), os.path.join(here, 'backbone.onnx'), input_names=['image'], output_names=['features'],
                  dynamic_axes={'image': {2: 'h', 3: 'w'}, 'features': {2: 'fh', 3: 'fw'}}, opset_version=13)

# dataset: sizes chosen so that imsize 48 keeps some images, shrinks others, and reduces the largest by 2 first
sizes = [(60, 80), (45, 40), (130, 210), (90, 64), (48, 36), (70, 120)]
names = [f'img_{i:02d}' for i in range(len(sizes))]
root = os.path.join(here, 'revisitop', 'roxford5k')
os.makedirs(os.path.join(root, 'jpg'), exist_ok=True)
for (h, w), n in zip(sizes, names):
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([128 + 90 * np.sin(xx / (4.0 + c) + rng.uniform(0, 6)) * np.cos(yy / 6.0 - c) for c in range(3)], -1)
    img = np.clip(base + rng.normal(0, 20, (h, w, 3)), 0, 255).astype(np.uint8)
    Image.fromarray(img).save(os.path.join(root, 'jpg', n + '.jpg'), quality=90)
qimlist = [names[2], names[3]]
gnd = [
    {'bbx': [20.4, 10.5, 180.6, 100.2], 'easy': [0, 5], 'hard': [3], 'junk': [1]},
    {'bbx': [5.5, 3.0, 50.0, 80.7], 'easy': [1], 'hard': [], 'junk': [4, 2]},
]
with open(os.path.join(root, 'gnd_roxford5k.pkl'), 'wb') as f:
    pickle.dump({'imlist': names, 'qimlist': qimlist, 'gnd': gnd}, f, protocol=2)

mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)


def load(path, bbx, imsize):
    with open(path, 'rb') as f:
        img = Image.open(f).convert('RGB')
    if bbx is not None:
        img = img.crop(bbx)
    img.thumbnail((imsize, imsize), Image.ANTIALIAS)
    x = torch.from_numpy(np.asarray(img).copy()).permute(2, 0, 1).float().div(255)
    return ((x - mean) / std).unsqueeze(0)


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


def extract_ms(x, pooling, ms, msp):
    v = torch.zeros(8)
    for s in ms:
        xs = x.clone() if s == 1 else F.interpolate(x, scale_factor=s, mode='bilinear', align_corners=False)
        with torch.no_grad():
            v += l2n(POOL[pooling](net(xs))).squeeze().pow(msp)
    v /= len(ms)
    v = v.pow(1. / msp)
    return v / v.norm()


def extract(pooling, ms, imsize):
    # cirtorch test.py: msp = p for multi-scale GeM without a learned whitening layer, else 1
    msp = 3 if len(ms) > 1 and pooling == 'gem' else 1
    db = torch.stack([extract_ms(load(os.path.join(root, 'jpg', n + '.jpg'), None, imsize), pooling, ms, msp) for n in names], 1)
    q = torch.stack([extract_ms(load(os.path.join(root, 'jpg', n + '.jpg'), tuple(g['bbx']), imsize), pooling, ms, msp) for n, g in zip(qimlist, gnd)], 1)
    return db.numpy().astype(np.float64), q.numpy().astype(np.float64)


def pcawhitenlearn(X):
    m = X.mean(axis=1, keepdims=True)
    Xc = X - m
    C = Xc @ Xc.T
    C = (C + C.T) / (2 * X.shape[1])
    ev, V = np.linalg.eig(C)
    order = ev.argsort()[::-1]
    ev, V = ev[order], V[:, order]
    P = np.linalg.inv(np.sqrt(np.diag(ev))) @ V.T
    return m, P


def whitenapply(X, m, P, dims=None):
    Y = P[:dims, :] @ (X - m)
    return Y / (np.linalg.norm(Y, ord=2, axis=0, keepdims=True) + 1e-6)


ms = [1, 1 / math.sqrt(2), 1 / 2]
out = {}
for key, (pooling, scales, imsize) in {'gem-ms-48': ('gem', ms, 48), 'mac-ss-48': ('mac', [1], 48), 'rmac-ms-1024': ('rmac', ms, 1024), 'gem-ss-30': ('gem', [1], 30)}.items():
    db, q = extract(pooling, scales, imsize)
    out[key] = {'db': db.tolist(), 'query': q.tolist()}
train = (rng.standard_normal((40, 8)) * np.arange(1, 9)).astype(np.float32)
np.save(os.path.join(here, 'whiten-train.npy'), train)
m, P = pcawhitenlearn(train.T.astype(np.float64))
with open(os.path.join(here, 'lw.pkl'), 'wb') as f:
    pickle.dump({'m': m, 'P': P}, f, protocol=2)
db, q = extract('gem', ms, 48)
out['gem-ms-48-whitened-6'] = {'db': whitenapply(db, m, P, 6).tolist(), 'query': whitenapply(q, m, P, 6).tolist()}
gray = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU()).eval()
torch.onnx.export(gray, torch.zeros(1, 1, 40, 50), os.path.join(here, 'backbone-1ch.onnx'), input_names=['image'], output_names=['features'],
                  dynamic_axes={'image': {2: 'h', 3: 'w'}, 'features': {2: 'fh', 3: 'fw'}}, opset_version=13)
print(json.dumps(out))
