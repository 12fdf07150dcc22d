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
  badFilter: (message: string) => new ValidationError(`Invalid filter: ${message}`),
  importTooLarge: (max: number) =>
    new AppError('CRM_IMPORT_TOO_LARGE', `An import holds at most ${max} rows`, { status: 413 }),
};
