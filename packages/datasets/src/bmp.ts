import { InputError } from '@descbench/core';

/**
 * 8-bit grayscale / palette BMP (Windows BITMAPINFOHEADER or later, uncompressed BI_RGB), the
 * format of the UBC PhotoTour tiles. Only what that dataset needs: 8 bits per pixel, a gray
 * palette (R = G = B for every entry), bottom-up or top-down rows padded to 4 bytes.
 */

/** A decoded 8-bit image: `pixels` is `[height, width]`, row-major, top row first. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

const FILE_HEADER = 14;

function need(buf: Uint8Array, end: number, file: string, what: string): void {
  if (buf.length < end) {
    throw new InputError(`truncated BMP: ${what} needs ${end} bytes, the file has ${buf.length}`, {
      file,
      offset: buf.length,
    });
  }
}

/**
 * Decode an 8-bit BMP into gray levels (palette entries looked up, so a non-identity gray
 * palette still gives the true gray values). Throws InputError naming the file and byte offset
 * for a wrong signature, unsupported header, bit depth, compression, non-gray palette or a
 * truncated pixel array.
 */
export function decodeBmp8(buf: Uint8Array, file = '<bmp>'): GrayImage {
  need(buf, FILE_HEADER + 4, file, 'the headers');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf[0] !== 0x42 || buf[1] !== 0x4d) throw new InputError('not a BMP file (signature is not "BM")', { file, offset: 0 });
  const dataOffset = dv.getUint32(10, true);
  const dibSize = dv.getUint32(14, true);
  if (dibSize < 40) throw new InputError(`unsupported BMP header of ${dibSize} bytes (need BITMAPINFOHEADER, 40+)`, { file, offset: 14 });
  need(buf, FILE_HEADER + dibSize, file, 'the info header');
  const width = dv.getInt32(18, true);
  const rawHeight = dv.getInt32(22, true);
  const bpp = dv.getUint16(28, true);
  const compression = dv.getUint32(30, true);
  const clrUsed = dv.getUint32(46, true);
  if (width <= 0 || rawHeight === 0) throw new InputError(`bad BMP size ${width}x${rawHeight}`, { file, offset: 18 });
  if (bpp !== 8) throw new InputError(`BMP has ${bpp} bits per pixel; an 8-bit grayscale/palette image is required`, { file, offset: 28 });
  if (compression !== 0) throw new InputError(`compressed BMP (compression ${compression}) is not supported`, { file, offset: 30 });
  const height = Math.abs(rawHeight);
  const bottomUp = rawHeight > 0;
  const nColors = clrUsed === 0 ? 256 : clrUsed;
  if (nColors > 256) throw new InputError(`BMP palette of ${nColors} entries (max 256)`, { file, offset: 46 });
  const palStart = FILE_HEADER + dibSize;
  need(buf, palStart + 4 * nColors, file, 'the palette');
  const lut = new Uint8Array(256);
  for (let i = 0; i < nColors; i++) {
    const o = palStart + 4 * i;
    const b = buf[o] as number;
    const g = buf[o + 1] as number;
    const r = buf[o + 2] as number;
    if (r !== g || g !== b) throw new InputError(`palette entry ${i} is not gray (R=${r} G=${g} B=${b})`, { file, offset: o });
    lut[i] = r;
  }
  const stride = (width + 3) & ~3;
  if (dataOffset < palStart) throw new InputError(`pixel data offset ${dataOffset} overlaps the headers`, { file, offset: 10 });
  need(buf, dataOffset + stride * height, file, `the pixel array (${width}x${height})`);
  const pixels = new Uint8Array(width * height);
  const identity = nColors === 256 && lut.every((v, i) => v === i);
  for (let y = 0; y < height; y++) {
    const src = dataOffset + stride * (bottomUp ? height - 1 - y : y);
    const row = buf.subarray(src, src + width);
    if (identity) pixels.set(row, y * width);
    else {
      for (let x = 0; x < width; x++) {
        const idx = row[x] as number;
        if (idx >= nColors) throw new InputError(`pixel index ${idx} outside the ${nColors}-entry palette`, { file, offset: src + x });
        pixels[y * width + x] = lut[idx] as number;
      }
    }
  }
  return { width, height, pixels };
}

/** Encode `[height, width]` gray pixels as an 8-bit bottom-up BMP with the identity gray palette. */
export function encodeBmp8(img: GrayImage): Uint8Array {
  const { width, height, pixels } = img;
  if (pixels.length !== width * height) throw new RangeError(`pixels has ${pixels.length} values, expected ${width * height}`);
  const stride = (width + 3) & ~3;
  const dataOffset = FILE_HEADER + 40 + 1024;
  const size = dataOffset + stride * height;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  dv.setUint32(2, size, true);
  dv.setUint32(10, dataOffset, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 8, true);
  dv.setUint32(34, stride * height, true);
  dv.setInt32(38, 3780, true);
  dv.setInt32(42, 3780, true);
  dv.setUint32(46, 256, true);
  dv.setUint32(50, 256, true);
  for (let i = 0; i < 256; i++) {
    const o = FILE_HEADER + 40 + 4 * i;
    out[o] = i;
    out[o + 1] = i;
    out[o + 2] = i;
  }
  for (let y = 0; y < height; y++) {
    out.set(pixels.subarray(y * width, (y + 1) * width), dataOffset + stride * (height - 1 - y));
  }
  return out;
}
