"""numpy side of benchmarks/speed/datasets-ubc.js (run by it; not a test).

argv: subset folder, patch count. Reads every patchesNNNN.bmp with np.frombuffer (pixel offset
from the header, rows flipped bottom-up -> top-down, 8-bit palette assumed gray identity as in
the real files), cuts [N, 64, 64] patches, downsamples with the integer 2x2 mean rounded half up
(what cv2.resize INTER_LINEAR does at exactly 2x, as HardNet loads), reads info.txt and the m50
pairs. Prints one JSON line: seconds, count, peak RSS (MB), and the same pixel probe as the
node side.
"""
import glob
import json
import os
import resource
import struct
import sys
import time

import numpy as np


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    t0 = time.perf_counter()
    files = sorted(glob.glob(os.path.join(d, '*.bmp')))
    out = np.empty((n, 32, 32), np.uint8)
    k = 0
    for f in files:
        if k >= n:
            break
        b = open(f, 'rb').read()
        off = struct.unpack('<I', b[10:14])[0]
        px = np.frombuffer(b, np.uint8, 1024 * 1024, off).reshape(1024, 1024)[::-1]
        p = px.reshape(16, 64, 16, 64).transpose(0, 2, 1, 3).reshape(256, 64, 64)
        m = min(256, n - k)
        s = p[:m].reshape(m, 32, 2, 32, 2).astype(np.uint16).sum(axis=(2, 4))
        out[k:k + m] = ((s + 2) >> 2).astype(np.uint8)
        k += m
    ids = np.loadtxt(os.path.join(d, 'info.txt'), dtype=np.int64, usecols=0)
    m50 = [f for f in os.listdir(d) if f.startswith('m50_')][0]
    pairs = np.loadtxt(os.path.join(d, m50), dtype=np.int64, usecols=(0, 1, 3, 4))
    secs = time.perf_counter() - t0
    flat = out.reshape(-1)
    probe = int(flat[::4099].astype(np.int64).sum())
    print(json.dumps({'seconds': secs, 'count': int(k), 'ids': int(ids.shape[0]), 'pairs': int(pairs.shape[0]),
                      'peakRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'probe': probe}))


main()
