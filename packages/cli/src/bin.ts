#!/usr/bin/env node
import { printError } from './errors';
import { runCli } from './program';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = printError(e, process.argv.includes('--verbose'));
  },
);
