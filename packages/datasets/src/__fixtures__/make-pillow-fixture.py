"""Reference values for jpeg.test.ts and pillow-resize.test.ts (Pillow 9.4 with libjpeg-turbo,
Debian's python3-pil; run: /usr/bin/python3 make-pillow-fixture.py > pillow-fixture.json).

- jpeg/*.jpg: small seeded JPEGs written by PIL in several encodings, and the pixels PIL reads
  back from them with Image.open(f).convert('RGB') (cirtorch's pil_loader);
- thumbnail / reduce / resize-with-box outputs of Pillow on seeded RGB images.
Pixels are stored as base64 of the raw HWC uint8 bytes.
"""
import base64
import json
import os

import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def natural(h, w):
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([128 + 90 * np.sin(xx / 5.0 + c) * np.cos(yy / 7.0 - c) for c in range(3)], -1)
    return np.clip(base + rng.normal(0, 30, (h, w, 3)), 0, 255).astype(np.uint8)


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode()


out = {'jpeg': [], 'thumbnail': [], 'reduce': [], 'resize': []}
img = natural(30, 41)
jpegs = {
    'q90-420.jpg': dict(quality=90, subsampling=2),
    'q75-444.jpg': dict(quality=75, subsampling=0),
    'q95-422.jpg': dict(quality=95, subsampling=1),
    'progressive.jpg': dict(quality=85, progressive=True),
    'optimized.jpg': dict(quality=80, optimize=True),
}
for name, kw in jpegs.items():
    Image.fromarray(img).save(os.path.join(here, 'jpeg', name), **kw)
Image.fromarray(img[:, :, 1]).save(os.path.join(here, 'jpeg', 'gray.jpg'), quality=90)
for name in sorted(os.listdir(os.path.join(here, 'jpeg'))):
    with open(os.path.join(here, 'jpeg', name), 'rb') as f:
        a = np.asarray(Image.open(f).convert('RGB'))
    out['jpeg'].append({'file': name, 'width': a.shape[1], 'height': a.shape[0], 'rgb': b64(a)})

src = natural(53, 71)
out['source'] = {'width': 71, 'height': 53, 'rgb': b64(src)}
# thumbnail sizes: no reduce (40, 30), reduce by 2 (17), by 3 / 2 (11), by 5 / 4 (7), tall crop
for m in [80, 60, 40, 30, 17, 11, 7, 3]:
    im = Image.fromarray(src)
    im.thumbnail((m, m), Image.ANTIALIAS)
    a = np.asarray(im)
    out['thumbnail'].append({'max': m, 'width': a.shape[1], 'height': a.shape[0], 'rgb': b64(a)})
tall = src[:, 20:37]
for m in [40, 9, 5]:
    im = Image.fromarray(np.ascontiguousarray(tall))
    im.thumbnail((m, m), Image.ANTIALIAS)
    a = np.asarray(im)
    out['thumbnail'].append({'max': m, 'crop': [20, 0, 37, 53], 'width': a.shape[1], 'height': a.shape[0], 'rgb': b64(a)})
for f in [(2, 2), (3, 3), (1, 3), (3, 1), (2, 3), (4, 4), (5, 5), (6, 6), (7, 2)]:
    for box in [None, (3, 2, 64, 50)]:
        a = np.asarray(Image.fromarray(src).reduce(f, box=box))
        out['reduce'].append({'factor': f, 'box': box, 'width': a.shape[1], 'height': a.shape[0], 'rgb': b64(a)})
for size, box in [((50, 37), None), ((23, 31), (2.5, 1.25, 60.75, 52.0)), ((71, 20), None), ((30, 53), None), ((90, 70), None), ((13, 9), (0.0, 0.0, 35.5, 26.5))]:
    a = np.asarray(Image.fromarray(src).resize(size, Image.LANCZOS, box=box))
    out['resize'].append({'size': size, 'box': box, 'rgb': b64(a)})
print(json.dumps(out))
