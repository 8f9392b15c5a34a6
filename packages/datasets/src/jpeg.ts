import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { InputError } from '@descbench/core';
import type { RasterImage } from './image-io';

/**
 * JPEG files as PIL's `Image.open(f).convert('RGB')` reads them (cirtorch's `pil_loader`):
 * decoded by sharp (libvips with mozjpeg, the libjpeg-turbo decoder: islow IDCT, fancy
 * upsampling, as Pillow's libjpeg-turbo), 8-bit RGB, gray replicated to R = G = B. As PIL, no
 * EXIF rotation and no colour management: an embedded ICC profile is kept, not applied
 * (`keepIccProfile`). Equal to Pillow 9.4 + libjpeg-turbo 2.1 pixel for pixel on baseline,
 * progressive, optimised, 4:4:4 / 4:2:2 / 4:2:0 and gray JPEGs (jpeg.test.ts). CMYK / YCCK
 * JPEGs are refused (PIL's naive CMYK -> RGB differs from a colour-managed one).
 */
export async function decodeJpegRgb(buf: Uint8Array, file = '<jpeg>'): Promise<RasterImage> {
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    const img = sharp(buf, { failOn: 'warning', limitInputPixels: 1 << 28 });
    const meta = await img.metadata();
    if (meta.format !== 'jpeg') throw new InputError(`not a JPEG (${meta.format ?? 'unknown format'})`, { file });
    if (meta.space === 'cmyk') throw new InputError('CMYK JPEGs are not supported (expected RGB or gray)', { file });
    out = await img.keepIccProfile().raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`not a readable JPEG: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  const { width, height, channels } = out.info;
  const src = out.data;
  if (channels === 3) return { width, height, channels: 3, data: new Uint8Array(src.buffer, src.byteOffset, src.byteLength) };
  if (channels !== 1) throw new InputError(`a JPEG with ${channels} channels (expected RGB or gray)`, { file });
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = src[i]!;
  return { width, height, channels: 3, data };
}

export async function readJpegRgb(file: string): Promise<RasterImage> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new InputError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  return decodeJpegRgb(buf, file);
}
