#!/usr/bin/env python3
"""OpenCV's `cv2.resize(patch, (to, to))` (default INTER_LINEAR, uint8) on the inputs that
`export-resize-inputs.ts` wrote, for `patch-resize.test.ts` (`opencv-linear` convention): the way
HardNet's and HyNet's HPatches code resizes the 65 px patches. Stores per case the SHA-256 of the
input and of the output, and the first output values. Usage (Debian python3-opencv 4.6):

  npx tsx packages/datasets/scripts/export-resize-inputs.ts /tmp/resize
  /usr/bin/python3 packages/datasets/scripts/opencv_resize_fixture.py /tmp/resize \\
      packages/datasets/src/__fixtures__/opencv-resize.json
"""
import hashlib
import json
import sys
from pathlib import Path

import cv2
import numpy as np


def main(src, dst):
    src = Path(src)
    out = {'generator': 'packages/datasets/scripts/opencv_resize_fixture.py', 'opencv': cv2.__version__, 'cases': []}
    for c in json.loads((src / 'cases.json').read_text()):
        raw = (src / f"{c['name']}.u8").read_bytes()
        x = np.frombuffer(raw, dtype=np.uint8).reshape(c['n'], c['from'], c['from'])
        y = np.stack([cv2.resize(p, (c['to'], c['to'])) for p in x]).astype(np.uint8)
        out['cases'].append({**c, 'input_sha256': hashlib.sha256(raw).hexdigest(),
                             'output_sha256': hashlib.sha256(y.tobytes()).hexdigest(),
                             'head': y.reshape(-1)[:16].tolist()})
    Path(dst).write_text(json.dumps(out, indent=1) + '\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
