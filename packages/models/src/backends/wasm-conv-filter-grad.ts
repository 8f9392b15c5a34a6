import * as tf from '@tensorflow/tfjs-core';

/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships without it (so no conv layer could
 * train there). The filter gradient of y = conv(x, W) is itself a convolution of the input with
 * the output gradient, batch and channels swapped:
 *
 *   dW[kh, kw, ci, co] = sum_{b, i, j} xpad[b, i*s + kh, j*s + kw, ci] * dy[b, i, j, co]
 *
 * i.e. input = xpad as `[Ci, Hp, Wp, B]`, filter = dy as `[OH, OW, B, Co]`, stride 1, dilation s,
 * valid padding; the result `[Ci, KH', KW', Co]` (KH' >= KH) is cropped to `[Ci, KH, KW, Co]` and
 * transposed to `[KH, KW, Ci, Co]`. Every step runs on existing wasm kernels.
 */
export function registerWasmConvFilterGradient(): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return false;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as {
        strides: [number, number] | number;
        pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (a.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter: only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        a.filterShape,
        a.strides,
        1,
        a.pad,
        a.dimRoundingMode,
      );
      const run = (name: string, ins: Record<string, tf.TensorInfo>, at: Record<string, unknown>): tf.TensorInfo => {
        const k = tf.getKernel(name, 'wasm');
        if (k === undefined) throw new Error(`wasm backend lacks ${name}`);
        return k.kernelFunc({ inputs: ins, backend, attrs: at as tf.NamedAttrMap }) as tf.TensorInfo;
      };
      const temps: tf.TensorInfo[] = [];
      const keep = (t: tf.TensorInfo): tf.TensorInfo => (temps.push(t), t);
      const xT = keep(run('Transpose', { x }, { perm: [3, 1, 2, 0] }));
      const { top, bottom, left, right } = info.padInfo;
      const xP =
        top + bottom + left + right > 0
          ? keep(
              run('PadV2', { x: xT }, {
                paddings: [
                  [0, 0],
                  [top, bottom],
                  [left, right],
                  [0, 0],
                ],
                constantValue: 0,
              }),
            )
          : xT;
      const dyT = keep(run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }));
      const full = keep(
        run('Conv2D', { x: xP, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] }),
      );
      const [ci, kh, kw, co] = [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels];
      const cropped = full.shape[1] === kh && full.shape[2] === kw ? full : keep(run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] }));
      const out = run('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
      for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
      return out;
    },
  });
  return true;
}
