import { runCli } from '../program';

/** Run the `bench` CLI in-process (as tests do) with stdout and stderr captured. */
export async function bench(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await runCli(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
