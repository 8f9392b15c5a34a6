#!/usr/bin/env python3
"""OpenCV SIFT descriptors of whole 32x32 patches, as a fixture for descbench's `sift` model.

Keypoint frame (the one `packages/models/src/sift.ts` uses): centre (16, 16), size 32/6 (so the
4x4 grid of histogram cells, each 3 * size / 2 = 8 px wide, spans the patch), angle 0, octave 0.
Patches: the first 24 patches of a UBC tile, 64 -> 32 by the 2x2 box mean rounded half up, and 8
synthetic ones (ramps, checkerboards, a blob). Usage (Debian python3-opencv):

  /usr/bin/python3 packages/models/scripts/opencv_sift_fixture.py /work/shared/data/phototour/notredame-sample/patches0000.bmp \
      packages/models/test/fixtures/opencv-sift.json
"""
import json
import sys

import cv2
import numpy as np


def ubc_patches(bmp, n):
    tile = cv2.imread(bmp, cv2.IMREAD_GRAYSCALE)
    out = []
    for k in range(n):
        r, c = divmod(k, 16)
        p = tile[r * 64:(r + 1) * 64, c * 64:(c + 1) * 64].astype(np.int32)
        out.append(((p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2] + 2) >> 2).astype(np.uint8))
    return out


def synthetic():
    y, x = np.mgrid[0:32, 0:32].astype(np.float64)
    imgs = [
        x * 8,
        y * 8,
        (x + y) * 4,
        ((x // 4 + y // 4) % 2) * 255,
        ((x // 8 + y // 8) % 2) * 200 + 20,
        255 * np.exp(-((x - 12) ** 2 + (y - 19) ** 2) / 30),
        128 + 100 * np.sin(x / 3) * np.cos(y / 5),
        np.where(x > y, 220, 30),
    ]
    return [np.clip(np.round(i), 0, 255).astype(np.uint8) for i in imgs]


def main(bmp, dst):
    patches = ubc_patches(bmp, 24) + synthetic()
    sift = cv2.SIFT_create()
    descs = []
    for p in patches:
        kp = [cv2.KeyPoint(16.0, 16.0, 32.0 / 6.0, 0.0, 0, 0)]
        _, d = sift.compute(p, kp)
        assert d is not None and d.shape == (1, 128)
        descs.append([float(v) for v in d[0]])
    out = {
        'generator': 'packages/models/scripts/opencv_sift_fixture.py',
        'opencv': cv2.__version__,
        'keypoint': {'x': 16.0, 'y': 16.0, 'size': 32.0 / 6.0, 'angle': 0.0, 'octave': 0},
        'patches': [p.reshape(-1).tolist() for p in patches],
        'descriptors': descs,
    }
    with open(dst, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
