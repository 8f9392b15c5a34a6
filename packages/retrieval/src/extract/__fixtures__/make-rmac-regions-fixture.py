"""R-MAC region grids of cirtorch's rmac (cirtorch/layers/functional.py, PyTorch 1.13) for the map
shapes H x W in 1..80 where float32 tensor arithmetic (torch.Tensor steps, int / tensor as
reciprocal * int, float32 region starts) gives another grid than the same formulas in double
precision, plus a few ordinary shapes. Run: /usr/bin/python3 make-rmac-regions-fixture.py > rmac-regions.json
"""
import json
import math

import torch


def regions(H, W, L=3, exact=False):
    ovr = 0.4
    w = min(W, H)
    if exact:
        crit = [abs((w ** 2 - w * ((max(H, W) - w) / (s - 1))) / w ** 2 - ovr) for s in range(2, 8)]
        idx = min(range(6), key=lambda i: crit[i])
    else:
        steps = torch.Tensor([2, 3, 4, 5, 6, 7])
        b = (max(H, W) - w) / (steps - 1)
        _, idx = torch.min(torch.abs(((w ** 2 - w * b) / w ** 2) - ovr), 0)
        idx = idx.item()
    Wd = idx + 1 if H < W else 0
    Hd = idx + 1 if H > W else 0
    out = []
    for l in range(1, L + 1):
        wl = math.floor(2 * w / (l + 1))
        wl2 = math.floor(wl / 2 - 1)
        bw = 0 if l + Wd == 1 else (W - wl) / (l + Wd - 1)
        bh = 0 if l + Hd == 1 else (H - wl) / (l + Hd - 1)
        if exact:
            cenW = [math.floor(wl2 + i * bw) - wl2 for i in range(l + Wd)]
            cenH = [math.floor(wl2 + i * bh) - wl2 for i in range(l + Hd)]
        else:
            cenW = (torch.floor(wl2 + torch.Tensor(range(l - 1 + Wd + 1)) * bw) - wl2).tolist()
            cenH = (torch.floor(wl2 + torch.Tensor(range(l - 1 + Hd + 1)) * bh) - wl2).tolist()
        for i_ in cenH:
            for j_ in cenW:
                if wl == 0:
                    continue
                out.append([int(i_), int(j_), wl])
    return out


cases = {}
for H in range(1, 81):
    for W in range(1, 81):
        r = regions(H, W)
        if r != regions(H, W, exact=True) or (H, W) in [(1, 1), (4, 4), (18, 26), (32, 24), (7, 80)]:
            cases[f'{H}x{W}'] = r
print(json.dumps(cases))
