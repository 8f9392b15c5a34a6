import * as ort from 'onnxruntime-node';

/**
 * The only place importing `onnxruntime-node`. Its install script (which fetches CUDA providers)
 * is skipped in this workspace (`pnpm.neverBuiltDependencies`); the bundled CPU provider, and the
 * WebGPU provider where an adapter exists, work without it.
 */

export type OnnxProvider = 'cpu' | 'webgpu' | 'cuda';

/** Execution providers this onnxruntime build can use without extra downloads. */
export function onnxProviders(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

export interface OnnxSession {
  run(input: Float32Array, shape: number[]): Promise<Float32Array>;
  /** Named outputs of one run (e.g. attention maps exported as extra outputs). */
  runAll(input: Float32Array, shape: number[]): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;
  release(): Promise<void>;
}

export interface OnnxSessionOptions {
  providers?: OnnxProvider[];
  /** Intra-op threads (default: $DESCBENCH_THREADS when set, as in `--jobs` pool processes; else onnxruntime's choice, all cores). */
  threads?: number;
}

/** $DESCBENCH_THREADS as a thread count, when it is a positive integer. */
function envThreads(): number | undefined {
  const n = Number(process.env.DESCBENCH_THREADS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function createOnnxSession(model: Uint8Array, o: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const threads = o.threads ?? envThreads();
  const session = await ort.InferenceSession.create(model, {
    executionProviders: o.providers ?? ['cpu'],
    graphOptimizationLevel: 'all',
    ...(threads !== undefined ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  });
  const inputName = session.inputNames[0]!;
  const runAll = async (input: Float32Array, shape: number[]) => {
    const feeds = { [inputName]: new ort.Tensor('float32', input, shape) };
    const res = await session.run(feeds);
    const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const [k, v] of Object.entries(res)) out[k] = { data: v.data as Float32Array, dims: v.dims };
    return out;
  };
  return {
    runAll,
    async run(input, shape) {
      const res = await runAll(input, shape);
      return res[session.outputNames[0]!]!.data;
    },
    release: () => session.release(),
  };
}
