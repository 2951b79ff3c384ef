export type { CopyFacts, CopyInspection, LeakFinding, LeakKind, LeakOptions, StreamSource, StripFileOptions, StripMethod, StripOptions, StripRecord, StripResult, StripSupport } from './types';
export { canKeepCaptureDate, canStrip, fileSource, stripToFile, vaultObjectSource } from './strip';
export { wipeWholeFileBuffers } from './whole-file';
export { StripAhead, type ObjectReads } from './strip-ahead';
export { stripsFromWhole } from './formats';
export { findLeaks, inspectCopy } from './leaks/find';
export { assessIccProfile } from './icc';
