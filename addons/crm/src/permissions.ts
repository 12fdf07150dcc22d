import { definePermissions } from '@elevate/sdk';

// Record rules: admins see everything, managers their team's records, members their own.
const scoped = ['admin', 'manager@team', 'member@own'] as const;

export const permissions = definePermissions({
  'crm.contact.read': { title: 'See contacts and companies', grant: scoped },
  'crm.contact.write': { title: 'Create and edit contacts and companies', grant: scoped },
  'crm.contact.delete': { title: 'Delete contacts', grant: ['admin', 'manager@team'] },
  'crm.contact.merge': { title: 'Merge duplicate contacts', grant: ['admin', 'manager@team'] },
  'crm.contact.import': {
    title: 'Import contacts and leads from CSV (leads also need crm.lead.write)',
    grant: ['admin', 'manager'],
  },
  'crm.contact.export': { title: 'Export lists to CSV', grant: scoped },
  'crm.lead.read': { title: 'See leads', grant: scoped },
  'crm.lead.write': { title: 'Create, edit and convert leads', grant: scoped },
  'crm.lead.delete': { title: 'Delete leads', grant: ['admin', 'manager@team'] },
  'crm.opportunity.read': { title: 'See opportunities and the pipeline board', grant: scoped },
  'crm.opportunity.write': { title: 'Create, edit, move, win and lose opportunities', grant: scoped },
  'crm.opportunity.delete': { title: 'Delete opportunities', grant: ['admin', 'manager@team'] },
  'crm.activity.read': { title: 'See activities and notes', grant: scoped },
  'crm.activity.write': { title: 'Plan and complete activities, write notes', grant: scoped },
  'crm.tag.manage': { title: 'Create and edit tags', grant: ['admin', 'manager', 'member'] },
  'crm.pipeline.read': { title: 'See pipelines and stages', grant: ['admin', 'manager', 'member'] },
  'crm.pipeline.manage': { title: 'Configure pipelines and stages, lead sources and activity types', grant: ['admin'] },
  'crm.segment.read': { title: 'Use saved filters', grant: ['admin', 'manager', 'member'] },
  'crm.segment.share': { title: 'Share saved filters with everyone', grant: ['admin', 'manager'] },
  'crm.scoring.manage': { title: 'Configure lead scoring rules', grant: ['admin'] },
});
