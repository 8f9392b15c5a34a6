import { isInputError } from '@descbench/core';

/**
 * What the CLI prints for an error, and its exit code. Bad input (InputError, usage errors, a
 * file that cannot be read or written) and an unreachable host are one line and exit 2: they are
 * the user's to fix. Anything else is a bug: one line saying it is an internal error, exit 1,
 * with the stack trace only under --verbose.
 */
export interface ErrorReport {
  code: 1 | 2;
  line: string;
  /** Printed after the line under --verbose (internal errors only). */
  stack?: string;
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder; expected a file',
  ENOTDIR: 'a part of this path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  ENOTEMPTY: 'folder not empty',
};

const NETWORK_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT']);

export class UsageError extends Error {}

function errno(e: unknown): (NodeJS.ErrnoException & { hostname?: string; host?: string; address?: string; port?: number }) | undefined {
  if (!(e instanceof Error)) return undefined;
  const x = e as NodeJS.ErrnoException;
  if (typeof x.code === 'string') return x;
  // fetch() wraps the socket error in `cause`
  return x.cause instanceof Error ? errno(x.cause) : undefined;
}

export function reportError(e: unknown): ErrorReport {
  if (e instanceof UsageError || isInputError(e)) return { code: 2, line: (e as Error).message };
  const x = errno(e);
  if (x?.code !== undefined && Object.hasOwn(FILE_ERRORS, x.code)) {
    // readFileSync on a folder throws EISDIR without a path: then name the operation only
    return { code: 2, line: `${x.path !== undefined ? `${x.path}: ` : ''}${FILE_ERRORS[x.code]} (${x.code}${x.syscall ? ` on ${x.syscall}` : ''})` };
  }
  if (x?.code !== undefined && NETWORK_ERRORS.has(x.code)) {
    const host = x.hostname ?? x.host ?? (x.address !== undefined ? `${x.address}${x.port !== undefined ? `:${x.port}` : ''}` : 'the server');
    return { code: 2, line: `cannot reach ${host} (${x.code}); check the network connection and retry (downloads resume where they stopped)` };
  }
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return {
    code: 1,
    line: `internal error (a bug in descbench, not in your input; please report it with the command you ran; --verbose shows the stack trace): ${msg.replace(/\s*\n\s*/g, ' ')}`,
    ...(e instanceof Error && e.stack !== undefined ? { stack: e.stack } : {}),
  };
}

/** Print an error report on stderr (one line; the stack only when `verbose`). */
export function printError(e: unknown, verbose: boolean): number {
  const r = reportError(e);
  process.stderr.write(`bench: ${r.line}\n`);
  if (r.code === 1 && verbose && r.stack !== undefined) process.stderr.write(`${r.stack}\n`);
  return r.code;
}
