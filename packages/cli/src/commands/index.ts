import type { Argv } from 'yargs';
import { auditCommand } from './audit';
import { compareCommand } from './compare';
import { evalPairsCommand } from './eval-pairs';
import { evalRanksCommand } from './eval-ranks';
import { evalHPatchesCommand } from './eval-hpatches';
import { hpatchesExtractCommand } from './hpatches-extract';
import { extractGlobalCommand } from './extract-global';
import { listCommand } from './list';
import { showCommand } from './show';
import { trainCommand } from './train';
import { ubcCommand } from './ubc';
import { roxfCommand, rparCommand } from './retrieval';
import { workerCommand } from './worker';
import { queueCommand } from './queue';
import { replayCommand } from './replay';
import { hpatchesCommand } from './hpatches';
import { doctorCommand } from './doctor';
import { paramsCommand } from './params';
import { describeCommand } from './describe';
import { attentionCommand } from './attention';
import { fetchCommand } from './fetch';
import { generateCommand } from './generate';
import { reportCommand } from './report';
import { ciCommand } from './ci';

/**
 * Each command module exports a factory taking `setExit` (to report exit code 1 for a failed
 * check) and returning a yargs command. Add new commands to this list, one line each.
 */
export interface CommandSpec {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<any>;
  // Each handler declares its own parsed-argument type; yargs checks them at runtime.
  handler: (args: any) => void | Promise<void>;
}

export type CommandFactory = (setExit: (code: number) => void) => CommandSpec;

export const COMMANDS: CommandFactory[] = [
  listCommand,
  showCommand,
  auditCommand,
  compareCommand,
  trainCommand,
  ubcCommand,
  roxfCommand,
  rparCommand,
  workerCommand,
  queueCommand,
  replayCommand,
  hpatchesCommand,
  evalRanksCommand,
  evalPairsCommand,
  evalHPatchesCommand,
  hpatchesExtractCommand,
  extractGlobalCommand,
  doctorCommand,
  paramsCommand,
  describeCommand,
  attentionCommand,
  fetchCommand,
  generateCommand,
  reportCommand,
  ciCommand,
];
