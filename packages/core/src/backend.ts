import { InputError } from './errors';

/**
 * Which tensor backend to run on. Only the choice lives here (what is installed, what `auto`
 * picks and why); loading a backend is the models package's job, so core stays free of tfjs.
 */
export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type ConcreteBackend = Exclude<BackendName, 'auto'>;

/** The npm package that provides each backend. */
export const BACKEND_PACKAGES: Record<ConcreteBackend, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** `auto`'s order of preference: native GPU, native CPU, WebGPU (when an adapter exists), wasm, js cpu. */
export const AUTO_ORDER: readonly ConcreteBackend[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendProbe {
  /** Whether an npm package can be loaded from here. */
  isInstalled(pkg: string): boolean;
  /** Whether a WebGPU adapter exists (checked only when the webgpu package is installed). */
  hasWebGpuAdapter?(): boolean;
}

export interface BackendStatus {
  backend: ConcreteBackend;
  package: string;
  installed: boolean;
  usable: boolean;
  why: string;
}

export interface BackendChoice {
  backend: ConcreteBackend;
  why: string;
  statuses: BackendStatus[];
}

export function parseBackendName(s: string): BackendName {
  if ((BACKENDS as readonly string[]).includes(s)) return s as BackendName;
  throw new InputError(`unknown backend "${s}"; expected one of ${BACKENDS.join(', ')}`, { at: '--backend' });
}

/** What each backend's state is on this machine. */
export function probeBackends(probe: BackendProbe): BackendStatus[] {
  return AUTO_ORDER.map((backend) => {
    const pkg = BACKEND_PACKAGES[backend];
    const installed = probe.isInstalled(pkg);
    if (!installed) return { backend, package: pkg, installed, usable: false, why: `${pkg} is not installed` };
    if (backend === 'webgpu') {
      const adapter = probe.hasWebGpuAdapter?.() ?? false;
      return { backend, package: pkg, installed, usable: adapter, why: adapter ? 'a WebGPU adapter was found' : 'no WebGPU adapter' };
    }
    return { backend, package: pkg, installed, usable: true, why: `${pkg} is installed` };
  });
}

/** Resolve a requested backend to a concrete one, explaining the choice. */
export function chooseBackend(requested: BackendName, probe: BackendProbe): BackendChoice {
  const statuses = probeBackends(probe);
  if (requested !== 'auto') {
    const s = statuses.find((x) => x.backend === requested) as BackendStatus;
    if (!s.usable) throw new InputError(`backend "${requested}" is not usable here: ${s.why}`, { at: '--backend' });
    return { backend: requested, why: `requested; ${s.why}`, statuses };
  }
  const first = statuses.find((s) => s.usable);
  if (first === undefined) {
    throw new InputError(`no tensor backend is installed; install ${BACKEND_PACKAGES.cpu} at least`, { at: '--backend' });
  }
  const skipped = statuses.slice(0, statuses.indexOf(first)).map((s) => `${s.backend}: ${s.why}`);
  const why = skipped.length > 0 ? `first usable in auto order (${skipped.join('; ')})` : 'first in auto order';
  return { backend: first.backend, why, statuses };
}

/** A probe that asks Node's module resolution, from the given directory. */
export function nodeBackendProbe(fromDir: string = __dirname): BackendProbe {
  return {
    isInstalled(pkg) {
      try {
        require.resolve(pkg, { paths: [fromDir] });
        return true;
      } catch {
        return false;
      }
    },
  };
}
