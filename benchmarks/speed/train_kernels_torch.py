#!/usr/bin/env python3
"""PyTorch side of benchmarks/speed/train-kernels.js: where one training step's CPU time goes.

Same step as models_torch.py (batch `batch`, surrogate loss, SGD momentum), one thread, profiled
with torch.autograd.profiler after a warm-up step; self time per op summed into the groups that
train-kernels.js prints for tfjs (conv forward, conv backward = input + filter gradients in one
aten op, batch norm, other). The profiler's times are wall-clock, so each group is its share of
the profiled time times the step's process CPU time measured without the profiler.
Usage: train_kernels_torch.py <arch> <batch> <steps>. Prints JSON {group: CPU ms per step, total}.
"""
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'packages' / 'models' / 'scripts'))
from models_torch import patches  # noqa: E402
from torch_reference import NETS  # noqa: E402


def group(name):
    n = name.lower()
    if 'convolution_backward' in n or 'convolutionbackward' in n:
        return 'conv backward (input + filter)'
    if 'conv' in n:
        return 'conv forward'
    if 'batch_norm' in n or 'batchnorm' in n:
        return 'batch norm'
    return 'other'


def main():
    arch, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(1)
    torch.manual_seed(1)
    net = NETS[arch]().train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    x = patches(batch)

    def step():
        opt.zero_grad()
        d = net(x)
        a, p = d.chunk(2, 0)
        (a * p).sum(1).mean().backward()
        opt.step()

    step()
    c = time.process_time()
    for _ in range(steps):
        step()
    cpu_ms = (time.process_time() - c) * 1000 / steps
    with torch.autograd.profiler.profile() as prof:
        for _ in range(steps):
            step()
    # the profiler's per-op times are wall-clock (a loaded machine inflates them all alike):
    # each group's share of the profiled time, times the step's process CPU time unprofiled
    share = {}
    for e in prof.key_averages():
        g = group(e.key)
        share[g] = share.get(g, 0.0) + e.self_cpu_time_total
    total = sum(share.values())
    out = {g: v / total * cpu_ms for g, v in share.items()}
    out['total'] = cpu_ms
    print(json.dumps(out))


if __name__ == '__main__':
    main()
