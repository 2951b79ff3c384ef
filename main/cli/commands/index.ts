import type { Command } from '../command';
import { logCheckpointCommand, logConsistencyCommand, logKeyCommand, logProofCommand, logShowCommand, logVerifyProofCommand, verifyCommand } from './custody';
import { catCommand, ingestCommand, lsCommand, showCommand } from './items';
import { caseAddItemsCommand, caseCreateCommand, caseDeleteCommand, caseListCommand, caseRemoveItemsCommand, caseShowCommand, caseUpdateCommand } from './cases';
import { consentListCommand, consentRecordCommand, consentRevokeCommand } from './consent';
import { itemEditCommand, purgeCommand, restoreItemCommand, rmCommand } from './item-edit';
import { personCreateCommand, personListCommand, personRoleCommand, personShowCommand, personUpdateCommand } from './persons';
import { searchCommand } from './search';
import { tagCommand, untagCommand } from './tags';
import { testimonyCreateCommand, testimonyEditCommand, testimonyHistoryCommand, testimonyListCommand, testimonyShowCommand } from './testimonies';
import { identityExportCommand, identityRecipientCommand, initCommand, passwdCommand, unlockTestCommand } from './vault';
import { exportCommand, packetVerifyCommand } from './packet';
import { backupCommand, backupVerifyCommand, restoreCommand } from './backup';
import { recoverySheetCommand } from './recovery-sheet';
import { contactCommand, receiveCommand, shareCommand } from './transfer';
import { pullCommand, pushCommand, remoteAddCommand, remoteListCommand, remoteRemoveCommand } from './remote';
import { dbKeyCommand, logAddCosignatureCommand, logCosignaturesCommand, logWitnessAddCommand, logWitnessListCommand, witnessCosignCommand, witnessInitCommand, witnessShowCommand } from './witness';

/** Every command of `huella`, in the order `huella --help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  ingestCommand,
  lsCommand,
  showCommand,
  catCommand,
  itemEditCommand,
  rmCommand,
  restoreItemCommand,
  purgeCommand,
  searchCommand,
  tagCommand,
  untagCommand,
  caseCreateCommand,
  caseListCommand,
  caseShowCommand,
  caseUpdateCommand,
  caseDeleteCommand,
  caseAddItemsCommand,
  caseRemoveItemsCommand,
  personCreateCommand,
  personListCommand,
  personShowCommand,
  personUpdateCommand,
  personRoleCommand,
  testimonyCreateCommand,
  testimonyEditCommand,
  testimonyShowCommand,
  testimonyListCommand,
  testimonyHistoryCommand,
  consentRecordCommand,
  consentListCommand,
  consentRevokeCommand,
  verifyCommand,
  logShowCommand,
  logCheckpointCommand,
  logKeyCommand,
  logProofCommand,
  logVerifyProofCommand,
  logConsistencyCommand,
  logWitnessAddCommand,
  logWitnessListCommand,
  logAddCosignatureCommand,
  logCosignaturesCommand,
  witnessInitCommand,
  witnessShowCommand,
  witnessCosignCommand,
  passwdCommand,
  unlockTestCommand,
  identityRecipientCommand,
  identityExportCommand,
  dbKeyCommand,
  recoverySheetCommand,
  backupCommand,
  backupVerifyCommand,
  restoreCommand,
  exportCommand,
  packetVerifyCommand,
  contactCommand,
  shareCommand,
  receiveCommand,
  remoteAddCommand,
  remoteListCommand,
  remoteRemoveCommand,
  pushCommand,
  pullCommand,
];
