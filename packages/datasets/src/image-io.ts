import { readFileSync } from 'node:fs';
import { InputError } from '@descbench/core';
import { PNG } from 'pngjs';
import type { GrayImage } from './bmp';

/**
 * Gray 8-bit image files: PNG (via pngjs) and binary PPM/PGM (P6/P5, parsed here: the format is
 * a short text header then raw bytes). Colour is converted to gray as OpenCV's
 * `cv2.imread(f, 0)` / `cvtColor(BGR2GRAY)` does for 8-bit: `(4899 R + 9617 G + 1868 B + 8192) >> 14`.
 */

export function rgbToGray(r: number, g: number, b: number): number {
  return (4899 * r + 9617 * g + 1868 * b + 8192) >> 14;
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read: ${(e as Error).message}`, { file });
  }
}

/** Decode a PNG (any colour type / depth pngjs reads) to 8-bit gray. */
export function decodePngGray(buf: Uint8Array, file = '<png>'): GrayImage {
  let png: { width: number; height: number; data: Buffer; colorType: number };
  try {
    png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)) as unknown as typeof png;
  } catch (e) {
    throw new InputError(`not a readable PNG: ${(e as Error).message}`, { file });
  }
  const { width, height, data } = png;
  const pixels = new Uint8Array(width * height);
  const color = (png.colorType & 2) !== 0;
  for (let i = 0, o = 0; i < pixels.length; i++, o += 4) {
    pixels[i] = color ? rgbToGray(data[o] as number, data[o + 1] as number, data[o + 2] as number) : (data[o] as number);
  }
  return { width, height, pixels };
}

export function readPngGray(file: string): GrayImage {
  return decodePngGray(readBytes(file), file);
}

/**
 * Encode gray pixels as an 8-bit grayscale PNG. One fixed row filter ("Up") instead of pngjs's
 * adaptive choice: about as small for images and many times faster.
 */
export function encodePngGray(img: GrayImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(img.pixels.buffer, img.pixels.byteOffset, img.pixels.byteLength);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, filterType: 2 });
}

/** An image with `channels` interleaved 8-bit samples per pixel, `[height, width, channels]`. */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Parse a binary PGM (P5) or PPM (P6) with maxval <= 255. */
export function decodePnm(buf: Uint8Array, file = '<ppm>'): RasterImage {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos] as number))) pos++;
      if (buf[pos] === 0x23) {
        while (pos < buf.length && buf[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos] as number))) pos++;
    if (start === pos) throw new InputError('truncated PNM header', { file, offset: pos });
    return Buffer.from(buf.subarray(start, pos)).toString('latin1');
  };
  const magic = token();
  if (magic !== 'P6' && magic !== 'P5') throw new InputError(`unsupported PNM type ${JSON.stringify(magic)} (need binary P5 or P6)`, { file, offset: 0 });
  const fields: number[] = [];
  for (const name of ['width', 'height', 'maxval']) {
    const at = pos;
    const t = token();
    if (!/^\d+$/.test(t) || Number(t) <= 0) throw new InputError(`bad ${name} ${JSON.stringify(t)}`, { file, offset: at });
    fields.push(Number(t));
  }
  const [width, height, maxval] = fields as [number, number, number];
  if (maxval > 255) throw new InputError(`16-bit PNM (maxval ${maxval}) is not supported`, { file, offset: pos });
  pos++; // the single whitespace after maxval
  const channels = magic === 'P6' ? 3 : 1;
  const n = width * height * channels;
  if (buf.length < pos + n) throw new InputError(`truncated pixel data: need ${n} bytes after the header, have ${buf.length - pos}`, { file, offset: buf.length });
  const data = Uint8Array.from(buf.subarray(pos, pos + n));
  if (maxval !== 255) for (let i = 0; i < n; i++) data[i] = Math.round(((data[i] as number) * 255) / maxval);
  return { width, height, channels, data };
}

export function readPnm(file: string): RasterImage {
  return decodePnm(readBytes(file), file);
}

/** Gray version of a raster (OpenCV's integer BT.601 weights for colour). */
export function toGray(img: RasterImage): GrayImage {
  if (img.channels === 1) return { width: img.width, height: img.height, pixels: img.data };
  const pixels = new Uint8Array(img.width * img.height);
  const d = img.data;
  for (let i = 0, o = 0; i < pixels.length; i++, o += 3) pixels[i] = rgbToGray(d[o] as number, d[o + 1] as number, d[o + 2] as number);
  return { width: img.width, height: img.height, pixels };
}
