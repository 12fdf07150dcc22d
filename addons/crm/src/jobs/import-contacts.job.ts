import { defineJob } from '@elevate/sdk';

// Placeholder: filled in by the import/export area.
export const importContactsJob = defineJob<{ importId: string }>({
  name: 'crm.import_contacts',
  attempts: 3,
  run: () => ({ imported: 0 }),
});
