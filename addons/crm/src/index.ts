import { commentsOn, defineAddon, provide } from '@elevate/sdk';
import { migrations } from '../migrations/index.ts';
import { seedDemoData } from '../seed/demo.seed.ts';
import { choiceListsStep } from './choice-lists.step.ts';
import { crmEvents } from './events.ts';
import { crmExports } from './exports.ts';
import { contactsGraphql } from './graphql/contacts.graphql.ts';
import { pipelineGraphql } from './graphql/pipeline.graphql.ts';
import { searchGraphql } from './graphql/search.graphql.ts';
import { timelineGraphql } from './graphql/timeline.graphql.ts';
import { crmTypes } from './graphql/types.graphql.ts';
import { importContactsJob, importLeadsJob } from './jobs/import-contacts.job.ts';
import { rescoreLeadsJob } from './jobs/rescore-leads.job.ts';
import { crmLists } from './lists.ts';
import { messages } from './messages.ts';
import { Contact } from './models/contact.model.ts';
import { crmModels } from './models/index.ts';
import { Lead } from './models/lead.model.ts';
import { Opportunity } from './models/opportunity.model.ts';
import { permissions } from './permissions.ts';
import { bulkRoutes } from './rest/bulk.routes.ts';
import { consentRoutes } from './rest/consents.routes.ts';
import { contactRoutes } from './rest/contacts.routes.ts';
import { importRoutes } from './rest/import.routes.ts';
import { pipelineRoutes } from './rest/pipeline.routes.ts';
import { searchRoutes } from './rest/search.routes.ts';
import { summaryRoutes } from './rest/summaries.routes.ts';
import { tagRoutes } from './rest/tags.routes.ts';
import { searchProviders } from './search.ts';
import { segmentsToViews } from './segments-to-views.step.ts';
import { activityTypeResource, leadSourceResource } from './services/choice-lists.service.ts';
import { ContactDirectory, contactDirectory } from './services/contact-directory.ts';
import { OpportunityOutcome, opportunityOutcome } from './services/opportunity-outcome.ts';
import { seedDefaults } from './services/seed.service.ts';
import { tagResource } from './services/tags.service.ts';
import { crmWorkflows } from './workflows/index.ts';
import { crmSubscribers } from './workflows/subscribers.ts';

export const crm = defineAddon({
  id: 'crm',
  version: '1.2.0',
  title: 'CRM',
  description:
    'Contacts and companies, leads, pipelines with a drag-and-drop board, activities, notes and tags, a 360° contact view, search, saved filters, lead scoring, duplicate merge and CSV import/export.',
  category: 'Sales',
  messages,
  icon: 'users',
  platform: '^1.0.0',
  models: crmModels,
  migrations,
  // Tags are offered through the SDK's resource layer (REST /tags, GraphQL tags/createTag/...).
  // Lead sources and activity types too (REST /lead-sources, /activity-types; GraphQL leadSources, ...).
  resources: [tagResource, leadSourceResource, activityTypeResource],
  permissions,
  events: crmEvents,
  subscribers: crmSubscribers,
  provides: [provide(OpportunityOutcome, opportunityOutcome), provide(ContactDirectory, contactDirectory)],
  jobs: [importContactsJob, importLeadsJob, rescoreLeadsJob],
  workflows: crmWorkflows,
  // Comments with @mentions on contacts and companies, opportunities and leads (docs/comments.md).
  comments: [
    commentsOn(Contact, {
      link: (r) => `/crm/${r.kind === 'company' ? 'companies' : 'contacts'}/${r.id}`,
      label: (r) => r.name,
    }),
    commentsOn(Opportunity, { link: (r) => `/crm/opportunities/${r.id}`, label: (r) => r.title }),
    commentsOn(Lead, { link: (r) => `/crm/leads/${r.id}`, label: (r) => r.title }),
  ],
  notifications: [{ type: 'crm.assignment', title: (lang) => messages.text(lang, 'notify.assignmentKind') }],
  lists: crmLists,
  search: searchProviders,
  exports: crmExports,
  graphql: (b) => {
    const types = crmTypes(b);
    contactsGraphql(b, types);
    pipelineGraphql(b, types);
    searchGraphql(b, types);
    timelineGraphql(b, types);
    return types;
  },
  rest: (r) => {
    contactRoutes(r);
    bulkRoutes(r);
    tagRoutes(r);
    consentRoutes(r);
    pipelineRoutes(r);
    searchRoutes(r);
    importRoutes(r);
    summaryRoutes(r);
  },
  lifecycle: { enable: seedDefaults, demo: seedDemoData, upgrade: [segmentsToViews, choiceListsStep] },
});

export * from './events.ts';
export { type ContactPanel, ContactPanels, ContactTimeline, type TimelineEntry } from './extensions.ts';
export type { CrmTypes } from './graphql/types.graphql.ts';
export { Activity, Note } from './models/activity.model.ts';
export { ActivityType, LeadSource } from './models/choice-list.model.ts';
export { Consent } from './models/consent.model.ts';
export { Contact } from './models/contact.model.ts';
export { Lead } from './models/lead.model.ts';
export { Opportunity } from './models/opportunity.model.ts';
export { Pipeline, Stage } from './models/pipeline.model.ts';
export { StageChange } from './models/stage-change.model.ts';
export { ContactTag, Tag } from './models/tag.model.ts';
export {
  ContactDirectory,
  type ContactDirectoryService,
  type ContactSummary,
} from './services/contact-directory.ts';
export {
  type ConvertState,
  LeadConvertContactReady,
  LeadConvertOpportunityReady,
} from './services/lead-convert.service.ts';
export {
  OpportunityOutcome,
  type OpportunityOutcomeResult,
  type OpportunityOutcomeService,
} from './services/opportunity-outcome.ts';
export type { ImportRowError, ImportRowErrorView, ImportStatus } from './shared/import.types.ts';
