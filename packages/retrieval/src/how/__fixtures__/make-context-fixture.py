"""Reference values for context.test.ts (run: /usr/bin/python3 make-context-fixture.py > context-fixture.json).

PyTorch 1.13 (float64) reimplementation of the slides' learnable smoothing and graph refinement as
defined in ../learnable-smoothing.ts and ../graph-refinement.ts, on seeded inputs and weights:
outputs and the gradients of sum(output * R) (R seeded) with respect to every parameter.
Tensors are stored in the TypeScript layout: feature maps [B, H, W, C] (NHWC), row-major.
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def smoothing(x_nchw, size, rho, theta):
    r = (size - 1) // 2
    ys, xs = torch.meshgrid(torch.arange(size) - r, torch.arange(size) - r, indexing="ij")
    d2 = (ys ** 2 + xs ** 2).to(torch.float64)
    centre = torch.zeros(size, size)
    centre[r, r] = 1
    sigma = torch.exp(rho)
    w = torch.exp(-d2 / (2 * sigma ** 2)) * (1 - centre) + torch.sigmoid(theta) * centre
    c = x_nchw.shape[1]
    num = F.conv2d(x_nchw, w.view(1, 1, size, size).repeat(c, 1, 1, 1), padding=r, groups=c)
    den = F.conv2d(torch.ones(1, 1, *x_nchw.shape[2:]), w.view(1, 1, size, size), padding=r)
    return num / torch.clamp(den, min=1e-12), w


def gcn(x, p):
    xn = x / torch.clamp(torch.norm(x, dim=1, keepdim=True), min=1e-6)
    a = torch.relu(xn @ xn.t())
    a = a / a.sum(1, keepdim=True)
    h1 = torch.relu(a @ x @ p["w0"] + p["b0"])
    h2 = torch.relu(a @ h1 @ p["w1"] + p["b1"])
    wgt = 2 * torch.sigmoid(h2 @ p["v"] + p["bv"])
    return x * wgt, wgt


cases = []
for size in (3, 5, 7):
    x = torch.randn(2, 4, 6, 7)  # NCHW
    rho = torch.tensor(float(torch.randn(1)) * 0.5, requires_grad=True)
    theta = torch.tensor(float(torch.randn(1)), requires_grad=True)
    y, w = smoothing(x, size, rho, theta)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    cases.append({
        "name": f"smoothing-{size}",
        "size": size,
        "x": {"shape": [2, 6, 7, 4], "data": flat(x.permute(0, 2, 3, 1))},
        "rho": float(rho), "theta": float(theta),
        "kernel": flat(w),
        "y": flat(y.permute(0, 2, 3, 1)),
        "r": flat(r.permute(0, 2, 3, 1)),
        "grad_rho": float(rho.grad), "grad_theta": float(theta.grad),
    })

n, c, h = 9, 6, 5
x = torch.randn(n, c)
# make a few features anti-correlated so relu cuts edges
x[7] = -x[0] + 0.1 * torch.randn(c)
p = {
    "w0": torch.randn(c, h) / c ** 0.5, "b0": torch.randn(h) * 0.1,
    "w1": torch.randn(h, h) / h ** 0.5, "b1": torch.randn(h) * 0.1,
    "v": torch.randn(h, 1) / h ** 0.5, "bv": torch.randn(1) * 0.1,
}
for t in p.values():
    t.requires_grad_(True)
out, wgt = gcn(x, p)
r = torch.randn_like(out)
(out * r).sum().backward()
gcn_case = {
    "x": {"shape": [n, c], "data": flat(x)},
    "params": {k: {"shape": list(t.shape), "data": flat(t)} for k, t in p.items()},
    "out": flat(out), "weights": flat(wgt), "r": flat(r),
    "grads": {k: flat(t.grad) for k, t in p.items()},
}
print(json.dumps({"torch": torch.__version__, "smoothing": cases, "gcn": gcn_case}))
