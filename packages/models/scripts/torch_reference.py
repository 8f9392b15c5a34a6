#!/usr/bin/env python3
"""Reference PyTorch definitions of the zoo networks, for side-by-side checks of descbench's tfjs/ONNX ones.

Each network is rebuilt in PyTorch from the published architecture facts (PROTOCOLS.md; the module
layouts of the authors' repositories, so state-dict keys match), loaded with strict=True from the
weights `export-reference-weights.ts` wrote, run in eval mode on the stored inputs, and the outputs
are written to packages/models/test/fixtures/torch-reference.json, which `torch-reference.test.ts`
compares against. Usage (Debian python3-torch):

  npx tsx packages/models/scripts/export-reference-weights.ts /tmp/ref
  /usr/bin/python3 packages/models/scripts/torch_reference.py /tmp/ref packages/models/test/fixtures/torch-reference.json
"""
import json
import struct
import sys
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    out = OrderedDict()
    for k, v in header.items():
        if k == '__metadata__':
            continue
        a, b = v['data_offsets']
        assert v['dtype'] == 'F32'
        out[k] = torch.from_numpy(np.frombuffer(body[a:b], dtype='<f4').copy().reshape(v['shape']))
    return out


def bn(c, affine=False):
    return nn.BatchNorm2d(c, affine=affine)


class L2Norm(nn.Module):
    """HardNet's L2Norm: x / sqrt(sum x^2 + eps)."""

    def forward(self, x):
        return x / torch.sqrt(torch.sum(x * x, dim=1, keepdim=True) + 1e-10)


def lrn_l2(x):
    """SOSNet/HyNet/SOLAR: LocalResponseNorm(2D, alpha=2D, beta=0.5, k=0) of (x + 1e-10)."""
    d = x.shape[1]
    return nn.LocalResponseNorm(2 * d, alpha=2 * d, beta=0.5, k=0)(x + 1e-10)


def l2net_convs(first_input_norm):
    chans = [(1, 32, 1), (32, 32, 1), (32, 64, 2), (64, 64, 1), (64, 128, 2), (128, 128, 1)]
    mods = [first_input_norm] if first_input_norm is not None else []
    for cin, cout, s in chans:
        mods += [nn.Conv2d(cin, cout, 3, stride=s, padding=1, bias=False), bn(cout), nn.ReLU()]
    return mods


class TFeat(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.InstanceNorm2d(1, affine=False), nn.Conv2d(1, 32, 7), nn.Tanh(),
                                      nn.MaxPool2d(2, 2), nn.Conv2d(32, 64, 6), nn.Tanh())
        self.descr = nn.Sequential(nn.Linear(64 * 8 * 8, 128), nn.Tanh())

    def forward(self, x):
        return self.descr(self.features(x).view(x.size(0), -1))


class HardNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*l2net_convs(None), nn.Dropout(0.3), nn.Conv2d(128, 128, 8, bias=False), bn(128))

    def forward(self, x):
        flat = x.view(x.size(0), -1)
        mp = flat.mean(dim=1)
        sp = flat.std(dim=1) + 1e-7  # unbiased
        x = (x - mp[:, None, None, None]) / sp[:, None, None, None]
        return L2Norm()(self.features(x).view(x.size(0), -1))


class SOSNet(nn.Module):
    def __init__(self, drop):
        super().__init__()
        mods = l2net_convs(nn.InstanceNorm2d(1, affine=False))
        if drop > 0:
            mods.append(nn.Dropout(drop))
        else:
            mods.append(nn.Identity())
        mods += [nn.Conv2d(128, 128, 8, bias=False), bn(128)]
        self.layers = nn.Sequential(*mods)

    def forward(self, x):
        return lrn_l2(self.layers(x)).view(x.size(0), -1)


class SOA(nn.Module):
    def __init__(self, c, k):
        super().__init__()
        m = c // k
        self.m = m
        self.f = nn.Sequential(nn.Conv2d(c, m, 1), nn.BatchNorm2d(m), nn.ReLU())
        self.g = nn.Sequential(nn.Conv2d(c, m, 1), nn.BatchNorm2d(m), nn.ReLU())
        self.h = nn.Conv2d(c, m, 1)
        self.v = nn.Conv2d(m, c, 1)

    def forward(self, x):
        b, c, hh, ww = x.shape
        f = self.f(x).view(b, self.m, -1)
        g = self.g(x).view(b, self.m, -1)
        h = self.h(x).view(b, self.m, -1)
        attn = torch.softmax(self.m ** -0.5 * torch.bmm(f.permute(0, 2, 1), g), dim=-1)
        z = torch.bmm(attn, h.permute(0, 2, 1)).permute(0, 2, 1).reshape(b, self.m, hh, ww)
        return self.v(z) + x


class SolarLocal(nn.Module):
    def __init__(self, soa_layers):
        super().__init__()
        chans = [(1, 32, 1), (32, 32, 1), (32, 64, 2), (64, 64, 1), (64, 128, 2), (128, 128, 1)]
        for i, (cin, cout, s) in enumerate(chans, 1):
            mods = [nn.InstanceNorm2d(1, affine=False)] if i == 1 else []
            mods += [nn.Conv2d(cin, cout, 3, stride=s, padding=1, bias=False), bn(cout), nn.ReLU()]
            setattr(self, f'layer{i}', nn.Sequential(*mods))
        self.layer7 = nn.Sequential(nn.Conv2d(128, 128, 8, bias=False), bn(128))
        self.dropout = nn.Dropout(0.1)
        self.soa_layers = soa_layers
        for i in soa_layers:
            c = [32, 32, 64, 64, 128, 128][i - 1]
            setattr(self, f'soa{i}', SOA(c, 4 if c == 64 else 2))

    def forward(self, x):
        for i in range(1, 7):
            x = getattr(self, f'layer{i}')(x)
            if i in self.soa_layers:
                x = getattr(self, f'soa{i}')(x)
        return lrn_l2(self.dropout(self.layer7(x))).view(x.size(0), -1)


class FRN(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, c, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.register_buffer('eps', torch.tensor([eps]))

    def forward(self, x):
        nu2 = x.pow(2).mean(dim=[2, 3], keepdim=True)
        return self.weight * (x * torch.rsqrt(nu2 + self.eps.abs())) + self.bias


class TLU(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.tau = nn.Parameter(-torch.ones(1, c, 1, 1))

    def forward(self, x):
        return torch.max(x, self.tau)


class HyNet(nn.Module):
    def __init__(self):
        super().__init__()
        chans = [(1, 32, 1), (32, 32, 1), (32, 64, 2), (64, 64, 1), (64, 128, 2), (128, 128, 1)]
        for i, (cin, cout, s) in enumerate(chans, 1):
            mods = [FRN(1), TLU(1)] if i == 1 else []
            mods += [nn.Conv2d(cin, cout, 3, stride=s, padding=1, bias=True), FRN(cout), TLU(cout)]
            setattr(self, f'layer{i}', nn.Sequential(*mods))
        self.layer7 = nn.Sequential(nn.Dropout(0.3), nn.Conv2d(128, 128, 8, bias=False), bn(128))

    def forward(self, x):
        for i in range(1, 8):
            x = getattr(self, f'layer{i}')(x)
        return lrn_l2(x).view(x.size(0), -1)


class HyNetNormVariant(nn.Module):
    """HyNet's Table 3 norm-type ablation (descbench's reading, models/src/hynet.ts): the input
    FRN + TLU becomes InstanceNorm2d (index 1 keeps HyNet's key layout, parameter-free), and every
    body FRN + TLU becomes BatchNorm2d(affine=False) + ReLU ('bn') or InstanceNorm2d(affine=False)
    + ReLU ('in'); convs keep their biases; layer7 and the L2 normalisation are HyNet's."""

    def __init__(self, norm):
        super().__init__()
        chans = [(1, 32, 1), (32, 32, 1), (32, 64, 2), (64, 64, 1), (64, 128, 2), (128, 128, 1)]
        for i, (cin, cout, s) in enumerate(chans, 1):
            mods = [nn.InstanceNorm2d(1, affine=False), nn.Identity()] if i == 1 else []
            mods += [nn.Conv2d(cin, cout, 3, stride=s, padding=1, bias=True),
                     bn(cout) if norm == 'bn' else nn.InstanceNorm2d(cout, affine=False), nn.ReLU()]
            setattr(self, f'layer{i}', nn.Sequential(*mods))
        self.layer7 = nn.Sequential(nn.Dropout(0.3), nn.Conv2d(128, 128, 8, bias=False), bn(128))

    def forward(self, x):
        for i in range(1, 8):
            x = getattr(self, f'layer{i}')(x)
        return lrn_l2(x).view(x.size(0), -1)


NETS = {
    'tfeat': TFeat,
    'l2net': lambda: SOSNet(0.0),
    'hardnet': HardNet,
    'sosnet': lambda: SOSNet(0.1),
    'sosnet+soa345': lambda: SolarLocal([3, 4, 5]),
    'sosnet+soa6': lambda: SolarLocal([6]),
    'sosnet+soa35': lambda: SolarLocal([3, 5]),
    'hynet': HyNet,
    'hynet-bn': lambda: HyNetNormVariant('bn'),
    'hynet-in': lambda: HyNetNormVariant('in'),
}


GRAD_ARCHS = ['tfeat', 'hardnet', 'sosnet+soa35', 'hynet', 'hynet-bn', 'hynet-in']
GRAD_HEAD = 16


def training_grads(net, x):
    """Training mode (batch statistics), dropout off; loss = mean_i <d(x_i), d(x_{i+B/2})>.
    The training-mode descriptors themselves are stored too ('outputs')."""
    for m in net.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    net.train()
    net.zero_grad()
    d = net(x)
    a, p = d.chunk(2, 0)
    loss = (a * p).sum(1).mean()
    loss.backward()
    grads = {}
    for k, prm in net.named_parameters():
        g = prm.grad.detach().reshape(-1).double()
        grads[k] = {'head': [float(f'{v:.8g}') for v in g[:GRAD_HEAD].tolist()], 'l1': float(g.abs().sum())}
    bns = [(k, b) for k, b in net.named_buffers() if k.endswith('running_mean')]
    res = {'loss': float(loss), 'grads': grads,
           'outputs': [[float(f'{v:.8g}') for v in row] for row in d.detach().double().tolist()]}
    if bns:
        res['running_mean'] = {'key': bns[0][0], 'head': [float(f'{v:.8g}') for v in bns[0][1][:GRAD_HEAD].tolist()]}
    net.eval()
    return res


def main(src, dst):
    out = {'generator': 'packages/models/scripts/torch_reference.py', 'torch': torch.__version__, 'outputs': {}}
    for arch, make in NETS.items():
        sd = read_safetensors(Path(src) / f'{arch}.safetensors')
        x = sd.pop('__input__')
        xg = sd.pop('__grad_input__')
        net = make()
        own = net.state_dict()
        for k in own:
            if k.endswith('num_batches_tracked'):
                sd[k] = own[k]
        net.load_state_dict(sd, strict=True)
        net.eval()
        with torch.no_grad():
            y = net(x).double().numpy()
        out['outputs'][arch] = [[float(f'{v:.8g}') for v in row] for row in y]
        if arch in GRAD_ARCHS:
            out.setdefault('grads', {})[arch] = training_grads(net, xg)
        print(arch, y.shape, file=sys.stderr)
    Path(dst).write_text(json.dumps(out, indent=0) + '\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
