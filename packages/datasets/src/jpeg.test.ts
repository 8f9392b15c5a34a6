import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJpegRgb, readJpegRgb } from './jpeg';

/** PIL's pixels of the same files: __fixtures__/make-pillow-fixture.py (Pillow 9.4, libjpeg-turbo). */
const fx = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'pillow-fixture.json'), 'utf8')) as {
  jpeg: { file: string; width: number; height: number; rgb: string }[];
};

describe('JPEG decoding as PIL convert("RGB")', () => {
  it.each(fx.jpeg.map((j) => [j.file, j] as const))('%s: every pixel equal to PIL', async (_n, j) => {
    const img = await readJpegRgb(join(__dirname, '__fixtures__', 'jpeg', j.file));
    expect([img.width, img.height, img.channels]).toEqual([j.width, j.height, 3]);
    expect(Buffer.from(img.data).equals(Buffer.from(j.rgb, 'base64'))).toBe(true);
  });

  it('a missing, truncated or non-JPEG file is an InputError naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descbench-jpeg-'));
    await expect(readJpegRgb(join(dir, 'none.jpg'))).rejects.toThrow(/none\.jpg: cannot read: ENOENT/);
    const good = readFileSync(join(__dirname, '__fixtures__', 'jpeg', 'q90-420.jpg'));
    writeFileSync(join(dir, 'cut.jpg'), good.subarray(0, 600));
    await expect(readJpegRgb(join(dir, 'cut.jpg'))).rejects.toThrow(/cut\.jpg: not a readable JPEG/);
    await expect(decodeJpegRgb(new Uint8Array([1, 2, 3]), 'x.jpg')).rejects.toThrow(/x\.jpg: not a readable JPEG/);
  });
});
