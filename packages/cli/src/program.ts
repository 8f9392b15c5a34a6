import yargs, { type CommandModule } from 'yargs';
import { nearestNames, setLogLevel } from '@descbench/core';
import { COMMANDS } from './commands';
import { UsageError, printError } from './errors';

/**
 * The `bench` program: yargs with one module per subcommand (see `commands/`). Each command
 * parses its options and calls one runner function. Exit codes: 0 ok, 1 a check failed
 * (e.g. `compare` found a worse cell) or an internal error (a bug; it says so), 2 bad input or an
 * unreachable host (one-line message on stderr, no stack trace).
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
  const commands = COMMANDS.map((make) => make(setExit));
  for (const c of commands) program.command(c as CommandModule);
  try {
    checkCommandName(argv, commands.map((c) => c.command.split(' ')[0] as string));
    await program.parseAsync();
    return exitCode;
  } catch (e) {
    return printError(e, argv.includes('--verbose'));
  }
}

/** An unknown command is a usage error naming the nearest commands (yargs would say "Unknown argument"). */
function checkCommandName(argv: string[], names: string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || names.includes(first) || first === 'help') return;
  throw new UsageError(`unknown command "${first}"; the nearest are ${nearestNames(first, names).join(', ')} (bench --help lists them all)`);
}
