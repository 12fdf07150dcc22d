import type { MenuEntry } from '@elevate/sdk/web';

/** The crm addon's entries in the app's sidebar (paths below /crm). */
export const menu: MenuEntry[] = [
  { label: 'Contacts', path: 'contacts', icon: 'users', permission: 'crm.contact.read', order: 10 },
  { label: 'Companies', path: 'companies', icon: 'building', permission: 'crm.contact.read', order: 10.5 },
  { label: 'Pipeline', path: 'pipeline', icon: 'kanban', permission: 'crm.opportunity.read', order: 11 },
  { label: 'Opportunities', path: 'opportunities', icon: 'activity', permission: 'crm.opportunity.read', order: 11.5 },
  { label: 'Leads', path: 'leads', icon: 'target', permission: 'crm.lead.read', order: 12 },
  { label: 'Activities', path: 'activities', icon: 'calendar', permission: 'crm.activity.read', order: 13 },
  { label: 'Import contacts', path: 'import', icon: 'upload', permission: 'crm.contact.import', order: 14 },
  { label: 'CRM settings', path: 'settings', icon: 'puzzle', permission: 'crm.pipeline.read', order: 15 },
];
