export { contactFingerprint, displayFingerprint, fingerprintWords, formatContactCard, parseContactCard, vaultContactCard, type ContactCard } from './contact';
export { createBundle, planBundle, type BundlePlan, type CreateBundleInput, type CreateBundleOptions, type CreateBundleReport } from './create';
export { receiveBundle, type ReceiveOptions, type ReceiveReport, type ReceivedItem, type SenderInfo } from './receive';
export { BUNDLE_FILES, BUNDLE_FORMAT_VERSION } from './format';
