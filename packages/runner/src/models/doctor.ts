import { backendReport, type BackendReport } from '@descbench/models';

/** `bench doctor`: which tensor backends and onnxruntime providers exist here, what `auto` picks and why. */
export function doctor(): BackendReport {
  return backendReport();
}

/** The human-readable form of the doctor report. */
export function formatDoctor(r: BackendReport): string {
  const lines = [`node ${r.node}`, `tfjs ${r.tfjs.version}:`];
  for (const b of r.tfjs.backends) lines.push(`  ${b.usable ? 'yes' : 'no '} ${b.backend.padEnd(15)} ${b.why}`);
  if ('backend' in r.tfjs.auto) lines.push(`--backend auto picks ${r.tfjs.auto.backend}: ${r.tfjs.auto.why}`);
  else lines.push(`--backend auto fails: ${r.tfjs.auto.error}`);
  lines.push(
    r.tfjs.wasmTrainKernels === 'fma'
      ? 'wasm training kernels: relaxed SIMD (fused multiply-adds; DESCBENCH_WASM_FMA=0 for the SIMD128 build)'
      : `wasm training kernels: SIMD128 (${process.env.DESCBENCH_WASM_FMA === '0' ? 'DESCBENCH_WASM_FMA=0' : 'this runtime has no relaxed SIMD'})`,
  );
  lines.push(`onnxruntime-node ${r.onnxruntime.version} (evaluation default) providers:`);
  for (const p of r.onnxruntime.providers) lines.push(`  ${p.bundled ? 'yes' : 'no '} ${p.name}${p.bundled ? '' : ' (not bundled: its install script is skipped offline)'}`);
  return lines.join('\n');
}
