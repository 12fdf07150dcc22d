import type { MenuEntry } from '@elevate/sdk/web';

/** The crm addon's entries in the app's sidebar (paths below /crm). */
export const menu: MenuEntry[] = [
  {
    label: 'Contacts',
    labelKey: 'menu.contacts',
    path: 'contacts',
    icon: 'users',
    permission: 'crm.contact.read',
    order: 10,
  },
  {
    label: 'Companies',
    labelKey: 'menu.companies',
    path: 'companies',
    icon: 'building',
    permission: 'crm.contact.read',
    order: 10.5,
  },
  {
    label: 'Pipeline',
    labelKey: 'menu.pipeline',
    path: 'pipeline',
    icon: 'kanban',
    permission: 'crm.opportunity.read',
    order: 11,
  },
  {
    label: 'Opportunities',
    labelKey: 'menu.opportunities',
    path: 'opportunities',
    icon: 'activity',
    permission: 'crm.opportunity.read',
    order: 11.5,
  },
  { label: 'Leads', labelKey: 'menu.leads', path: 'leads', icon: 'target', permission: 'crm.lead.read', order: 12 },
  {
    label: 'Activities',
    labelKey: 'menu.activities',
    path: 'activities',
    icon: 'calendar',
    permission: 'crm.activity.read',
    order: 13,
  },
  {
    label: 'Import contacts',
    labelKey: 'menu.import',
    path: 'import',
    icon: 'upload',
    permission: 'crm.contact.import',
    order: 14,
  },
  {
    label: 'CRM settings',
    labelKey: 'menu.settings',
    path: 'settings',
    icon: 'puzzle',
    permission: 'crm.pipeline.read',
    order: 15,
  },
];
