#!/usr/bin/env python3
"""PyTorch CPU side of benchmarks/speed/models.js: patches/s of L2-Net and HyNet eval and one training step.

Architectures from packages/models/scripts/torch_reference.py (the definitions the tfjs/ONNX models
are checked against). Usage: models_torch.py <threads> <repeats> <train_batch> <batch>... ; prints JSON.
"""
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'packages' / 'models' / 'scripts'))
from torch_reference import NETS  # noqa: E402


def best_of(fn, n):
    fn()
    best = float('inf')
    for _ in range(n):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def patches(n):
    i = torch.arange(n * 1024, dtype=torch.int64)
    return (((i * 2654435761) % 1000).float() / 1000).view(n, 1, 32, 32)


def main():
    threads, repeats, train_batch = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    batches = [int(b) for b in sys.argv[4:]]
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    out = {}
    for arch in ['l2net', 'hynet']:
        net = NETS[arch]().eval()
        for b in batches:
            x = patches(b)

            def run():
                with torch.no_grad():
                    net(x)

            out[f'{arch}/eval/{b}'] = b / best_of(run, repeats)
        net.train()
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        x = patches(train_batch)

        def step():
            opt.zero_grad()
            d = net(x)
            a, p = d.chunk(2, 0)
            loss = (a * p).sum(1).mean()
            loss.backward()
            opt.step()

        out[f'{arch}/train/{train_batch}'] = train_batch / best_of(step, repeats)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
