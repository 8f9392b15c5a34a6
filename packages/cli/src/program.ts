import yargs, { type CommandModule } from 'yargs';
import { isInputError, setLogLevel } from '@descbench/core';
import { COMMANDS } from './commands';

/**
 * The `bench` program: yargs with one module per subcommand (see `commands/`). Each command
 * parses its options and calls one runner function. Exit codes: 0 ok, 1 a check failed
 * (e.g. `compare` found a worse cell), 2 bad input (one-line message on stderr).
 */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = Math.max(exitCode, code);
  };
  const program = yargs(argv)
    .scriptName('bench')
    .usage('$0 <command> [options]')
    .option('quiet', { type: 'boolean', default: false, describe: 'Only errors on stderr' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Debug logging on stderr' })
    .middleware((a) => setLogLevel(a.quiet ? 'quiet' : a.verbose ? 'debug' : 'info'))
    .strict()
    .demandCommand(1, 'Name a command; `bench --help` lists them.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const make of COMMANDS) program.command(make(setExit) as CommandModule);
  try {
    await program.parseAsync();
    return exitCode;
  } catch (e) {
    if (e instanceof UsageError || isInputError(e)) {
      process.stderr.write(`bench: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

class UsageError extends Error {}
