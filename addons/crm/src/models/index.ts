import { Activity, Note } from './activity.model.ts';
import { ActivityType, LeadSource } from './choice-list.model.ts';
import { Consent } from './consent.model.ts';
import { Contact } from './contact.model.ts';
import { Lead } from './lead.model.ts';
import { Opportunity } from './opportunity.model.ts';
import { Pipeline, Stage } from './pipeline.model.ts';
import { ImportRun, ScoringRule, Segment } from './segment.model.ts';
import { StageChange } from './stage-change.model.ts';
import { ContactTag, Tag } from './tag.model.ts';

/** Every crm model, a referenced model before the models that point at it. */
export const crmModels = [
  Contact,
  Tag,
  ContactTag,
  Pipeline,
  Stage,
  Lead,
  Opportunity,
  Activity,
  Note,
  Segment,
  ScoringRule,
  ImportRun,
  Consent,
  StageChange,
  LeadSource,
  ActivityType,
] as const;
