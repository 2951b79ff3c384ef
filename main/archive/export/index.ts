export { planPacket } from './packet/plan';
export { exportPacket, type ExportOptions } from './packet/build';
export { verifyPacket, type VerifyOptions } from './packet/verify';
export type { PacketExportInput, PacketExportReport, PacketPlan, PacketPlanInput, PacketProgress, PacketVerifyReport } from '../../../shared/model/packet';
