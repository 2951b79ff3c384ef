export { addCaseItems, createCase, deleteCase, getCase, listCases, removeCaseItems, updateCase } from './cases';
export { createPerson, deletePerson, getPerson, listPersons, removePersonRole, setPersonRole, updatePerson } from './persons';
export {
  createTestimony,
  deleteTestimony,
  editTestimony,
  getTestimony,
  getTestimonyRevision,
  linkTestimonyItems,
  listTestimonies,
  testimonyHistory,
  unlinkTestimonyItems,
} from './testimonies';
export { consentStateOf, consentStatus, consentStatuses, getConsent, listConsents, recordConsent, revokeConsent } from './consent';
export { casesWithConsentState, personsWithConsentState } from './consent-sql';
export { assignTag, editTagDetails, expandTermFilter, listTags, removeTag } from './tags';
export { createLink, listLinks, removeLink } from './links';
export { searchCatalogue } from './search';
export { indexDoc, indexItem, rebuildSearchIndex, removeDoc } from './search-index';
export { commitment, eventSalt } from './record-event';
