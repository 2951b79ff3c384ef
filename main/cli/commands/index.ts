import type { Command } from '../command';
import { logCheckpointCommand, logConsistencyCommand, logKeyCommand, logProofCommand, logShowCommand, logVerifyProofCommand, verifyCommand } from './custody';
import { catCommand, ingestCommand, lsCommand, showCommand } from './items';
import { identityExportCommand, initCommand, passwdCommand, unlockTestCommand } from './vault';

/** Every command of `huella`, in the order `huella --help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  ingestCommand,
  lsCommand,
  showCommand,
  catCommand,
  verifyCommand,
  logShowCommand,
  logCheckpointCommand,
  logKeyCommand,
  logProofCommand,
  logVerifyProofCommand,
  logConsistencyCommand,
  passwdCommand,
  unlockTestCommand,
  identityExportCommand,
];
