import type { DataStep } from '@elevate/sdk';
import { seedChoiceLists } from './services/choice-lists.service.ts';

/**
 * crm 1.2.0: lead sources and activity types become per-company lists. Each company gets the
 * defaults plus every source its leads and every kind its activities already hold, so no
 * existing record is left with a value outside its company's list. A rerun adds nothing.
 */
export const choiceListsStep: DataStep = {
  id: 'crm.choice-lists',
  version: '1.2.0',
  run: seedChoiceLists,
};
