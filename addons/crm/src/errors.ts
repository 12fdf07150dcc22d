import { AppError, ConflictError, ValidationError } from '@elevate/sdk';

export const crmErrors = {
  stageNotInPipeline: () =>
    new ValidationError('The stage does not belong to the opportunity’s pipeline', [
      { path: 'stageId', message: 'must be a stage of the same pipeline' },
    ]),
  alreadyConverted: () => new ConflictError('CRM_LEAD_ALREADY_CONVERTED', 'This lead was already converted'),
  closed: () => new ConflictError('CRM_OPPORTUNITY_CLOSED', 'This opportunity is already won or lost; reopen it first'),
  mergeSelf: () => new ValidationError('A contact cannot be merged into itself'),
  lastPipeline: () => new ConflictError('CRM_LAST_PIPELINE', 'A tenant keeps at least one pipeline'),
  stageInUse: () =>
    new ConflictError('CRM_STAGE_IN_USE', 'Move the opportunities out of this stage before deleting it'),
  stageKindInUse: () =>
    new ConflictError('CRM_STAGE_IN_USE', 'Move the opportunities out of this stage before changing its kind'),
  pipelineInUse: () =>
    new ConflictError('CRM_PIPELINE_IN_USE', 'Move or delete the opportunities of this pipeline before deleting it'),
  notClosed: () => new ConflictError('CRM_OPPORTUNITY_OPEN', 'This opportunity is open; only won or lost ones reopen'),
  badFilter: (message: string, path?: string) =>
    new ValidationError(`Invalid filter: ${message}`, path ? [{ path, message }] : undefined),
  importTooLarge: (max: number) =>
    new AppError('CRM_IMPORT_TOO_LARGE', `An import holds at most ${max} rows`, { status: 413 }),
  importStarted: () => new ConflictError('CRM_IMPORT_STARTED', 'This import was already started'),
  tagNameTaken: (name: string) =>
    new ConflictError('CRM_TAG_NAME_TAKEN', `A tag named "${name}" already exists`, [
      { path: 'name', message: 'is already used by another tag' },
    ]),
  companyHasPeople: () =>
    new ConflictError('CRM_COMPANY_HAS_PEOPLE', 'People belong to this company; move them before making it a person'),
  segmentNotOwner: () =>
    new AppError('CRM_SEGMENT_NOT_OWNER', 'Only the owner of a saved filter may change or delete it', { status: 403 }),
  mergeKindMismatch: () =>
    new ValidationError('A person and a company cannot be merged', [
      { path: 'duplicateId', message: 'must be of the same kind as the surviving contact' },
    ]),
  contactReferenced: () =>
    new ConflictError('CRM_CONTACT_REFERENCED', 'Another record still points to the duplicate; it cannot be merged'),
};
