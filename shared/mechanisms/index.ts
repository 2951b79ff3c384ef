export type {
  Addressee,
  AnswerCheck,
  AnswerValue,
  Answers,
  Choice,
  ConsentPolicy,
  FieldType,
  FillPath,
  FillRule,
  InvalidAnswer,
  InvalidReason,
  Mechanism,
  MechanismField,
  MechanismSection,
  MechanismTemplate,
  RequiredWhen,
  TemplateStatus,
} from './types';
export { FIELD_TYPES, FILL_PATHS, FILL_TARGETS, SEX_VALUES, taxonomyOfFillPath } from './types';
export { MECHANISMS, MECHANISM_TEMPLATES, allFields, getMechanism, isRequired, requiredFields } from './registry';
export { isPartialIsoDate, validateAnswers } from './validate';
