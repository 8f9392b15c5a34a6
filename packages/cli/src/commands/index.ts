import type { CommandModule } from 'yargs';

/**
 * Each command module exports a factory taking `setExit` (to report exit code 1 for a failed
 * check) and returning a yargs command. Add new commands to this list, one line each.
 */
export type CommandFactory = (setExit: (code: number) => void) => CommandModule<any, any>;

export const COMMANDS: CommandFactory[] = [];
