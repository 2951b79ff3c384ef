export { planPacket } from './plan';
export { planPacketChecked } from './plan-checked';
export { checkPacket, exportPacket, type ExportOptions } from './build';
export { verifyPacket, type VerifyOptions } from '../packet/verify';
export type { PacketExportInput, PacketExportReport, PacketPlan, PacketPlanInput, PacketProgress, PacketVerifyReport } from '../../../shared/model/packet';
export { missingFieldLabels } from './fill';
