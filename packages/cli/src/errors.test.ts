import { InputError } from '@descbench/core';
import { reportError } from './errors';

const sysError = (code: string, extra: Record<string, unknown>): Error => Object.assign(new Error(`${code} something`), { code, ...extra });

describe('reportError: bad input and unreachable hosts are one line and exit 2; bugs say they are internal', () => {
  test('InputError: its own message', () => {
    expect(reportError(new InputError('bad', { file: 'a.csv', line: 3 }))).toEqual({ code: 2, line: 'a.csv:3: bad' });
  });
  test('file-system errors name the path and what is wrong', () => {
    expect(reportError(sysError('EISDIR', { path: '/tmp', syscall: 'read' }))).toEqual({ code: 2, line: '/tmp: is a folder; expected a file (EISDIR on read)' });
    expect(reportError(sysError('EISDIR', { syscall: 'read' }))).toEqual({ code: 2, line: 'is a folder; expected a file (EISDIR on read)' });
    expect(reportError(sysError('EACCES', { path: '/root/x', syscall: 'open' })).line).toBe('/root/x: permission denied (EACCES on open)');
  });
  test('network errors (also wrapped by fetch() in `cause`) name the host and what to do', () => {
    const dns = sysError('ENOTFOUND', { hostname: 'icvl.ee.ic.ac.uk', syscall: 'getaddrinfo' });
    expect(reportError(dns)).toEqual({ code: 2, line: 'cannot reach icvl.ee.ic.ac.uk (ENOTFOUND); check the network connection and retry (downloads resume where they stopped)' });
    const wrapped = new TypeError('fetch failed', { cause: sysError('ECONNREFUSED', { address: '127.0.0.1', port: 9 }) });
    expect(reportError(wrapped).line).toMatch(/^cannot reach 127\.0\.0\.1:9 \(ECONNREFUSED\)/);
  });
  test('anything else is an internal error, in one line, with the stack kept for --verbose', () => {
    const r = reportError(new TypeError('x is not a function\n  second line'));
    expect(r.code).toBe(1);
    expect(r.line).toMatch(/^internal error \(a bug in descbench, not in your input; .*--verbose shows the stack trace\): TypeError: x is not a function second line$/);
    expect(r.stack).toMatch(/at /);
  });
});
