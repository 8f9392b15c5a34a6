import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RasterImage } from './image-io';
import { pillowReduce, pillowResampleLanczos, pillowThumbnail, thumbnailSize } from './pillow-resize';

/** Pillow 9.4 outputs: __fixtures__/make-pillow-fixture.py. */
const fx = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'pillow-fixture.json'), 'utf8')) as {
  source: { width: number; height: number; rgb: string };
  thumbnail: { max: number; crop?: [number, number, number, number]; width: number; height: number; rgb: string }[];
  reduce: { factor: [number, number]; box: [number, number, number, number] | null; width: number; height: number; rgb: string }[];
  resize: { size: [number, number]; box: [number, number, number, number] | null; rgb: string }[];
};
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const src: RasterImage = { width: fx.source.width, height: fx.source.height, channels: 3, data: bytes(fx.source.rgb) };

function crop(img: RasterImage, [x0, y0, x1, y1]: [number, number, number, number]): RasterImage {
  const w = x1 - x0;
  const data = new Uint8Array(w * (y1 - y0) * 3);
  for (let y = y0; y < y1; y++) data.set(img.data.subarray((y * img.width + x0) * 3, (y * img.width + x1) * 3), (y - y0) * w * 3);
  return { width: w, height: y1 - y0, channels: 3, data };
}

describe("Pillow's thumbnail / reduce / Lanczos resize, equal to Pillow 9.4 byte for byte", () => {
  it.each(fx.thumbnail.map((t) => [t.max, t.crop ? 'tall crop' : 'whole', t] as const))('thumbnail(%i) of the %s image', (_m, _c, t) => {
    const img = t.crop ? crop(src, t.crop) : src;
    const r = pillowThumbnail(img, t.max);
    expect([r.width, r.height]).toEqual([t.width, t.height]);
    expect(Buffer.from(r.data).equals(Buffer.from(bytes(t.rgb)))).toBe(true);
  });

  it.each(fx.reduce.map((t) => [t.factor.join('x'), t.box ? t.box.join(',') : 'whole', t] as const))('reduce %s, box %s', (_f, _b, t) => {
    const r = pillowReduce(src, t.factor[0], t.factor[1], t.box ?? undefined);
    expect([r.width, r.height]).toEqual([t.width, t.height]);
    expect(Buffer.from(r.data).equals(Buffer.from(bytes(t.rgb)))).toBe(true);
  });

  it.each(fx.resize.map((t) => [t.size.join('x'), t.box ? t.box.join(',') : 'whole', t] as const))('Lanczos resize to %s from box %s', (_s, _b, t) => {
    const r = pillowResampleLanczos(src, t.size[0], t.size[1], t.box ?? undefined);
    expect(Buffer.from(r.data).equals(Buffer.from(bytes(t.rgb)))).toBe(true);
  });

  it('thumbnail size: fits, keeps the aspect, never enlarges', () => {
    expect(thumbnailSize(1024, 768, 1024, 1024)).toBeNull();
    expect(thumbnailSize(2048, 1536, 1024, 1024)).toEqual([1024, 768]);
    expect(thumbnailSize(768, 2048, 1024, 1024)).toEqual([384, 1024]);
  });
});
