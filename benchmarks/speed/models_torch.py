#!/usr/bin/env python3
"""PyTorch CPU side of benchmarks/speed/models.js: L2-Net and HyNet eval and one training step.

Architectures from packages/models/scripts/torch_reference.py (the definitions the tfjs/ONNX models
are checked against). Usage: models_torch.py <threads> <repeats> <train_batch> <train_repeats> <items> <batch>...
(items: eval,train or one of them).
Prints JSON: per item the median wall and CPU (process) seconds of `repeats` timed runs after one
warm-up run.
"""
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'packages' / 'models' / 'scripts'))
from torch_reference import NETS  # noqa: E402


def timed(fn, n):
    fn()
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return {'wall': statistics.median(wall), 'cpu': statistics.median(cpu)}


def patches(n):
    i = torch.arange(n * 1024, dtype=torch.int64)
    return (((i * 2654435761) % 1000).float() / 1000).view(n, 1, 32, 32)


def main():
    threads, repeats, train_batch, train_repeats = (int(a) for a in sys.argv[1:5])
    items = set(sys.argv[5].split(','))
    batches = [int(b) for b in sys.argv[6:]] if 'eval' in items else []
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

            out[f'{arch}/eval/{b}'] = {'patches': b, **timed(run, repeats)}
        if 'train' not in items:
            continue
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

        out[f'{arch}/train/{train_batch}'] = {'patches': train_batch, **timed(step, train_repeats)}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
