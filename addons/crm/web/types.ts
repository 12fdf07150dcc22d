// The crm REST API's shapes as the web pages use them (see addons/crm/src/rest).

import type { Money } from '@elevate/sdk/money';
import type { Row } from '@elevate/sdk/web';
import type { Activity as ActivityModel, Note as NoteModel } from '../src/models/activity.model.ts';
import type { Lead as LeadModel } from '../src/models/lead.model.ts';
import type { Opportunity as OpportunityModel } from '../src/models/opportunity.model.ts';
import type { Pipeline as PipelineModel, Stage as StageModel } from '../src/models/pipeline.model.ts';
import type { StageChange as StageChangeModel } from '../src/models/stage-change.model.ts';
import type { Tag as TagModel } from '../src/models/tag.model.ts';
import type { ContactView } from '../src/services/contacts.service.ts';

// Rows are the models' own shapes (type-only imports: no server code reaches the browser), so a
// field added to a model is known to the pages without a second copy here.

export type Tag = Pick<Row<typeof TagModel>, 'id' | 'name' | 'color'>;

/** A contact as the REST list and detail return it: its company and tags embedded. */
export type Contact = ContactView;

export type Stage = Row<typeof StageModel>;

export type Pipeline = Row<typeof PipelineModel> & { stages: Stage[] };

/** What the REST answers add to rows of models with custom fields: the values the caller may see. */
export interface CustomValues {
  custom?: Record<string, unknown>;
}

export type Opportunity = Row<typeof OpportunityModel> & CustomValues;

export interface BoardColumn {
  stage: Stage;
  count: number;
  /** Adds currencies together: use `totals`. */
  totalValue: string;
  /** Sum of the values per currency, sorted by code. */
  totals: Money[];
  opportunities: Opportunity[];
}

export interface Board {
  pipeline: Pipeline;
  stages: BoardColumn[];
}

export type Lead = Row<typeof LeadModel> & CustomValues;

export type Activity = Row<typeof ActivityModel>;

export type Note = Row<typeof NoteModel>;

export type StageChange = Row<typeof StageChangeModel>;

export interface TimelineEntry {
  id: string;
  type: string;
  at: string;
  title: string;
  titleKey?: string | null;
  titleValues?: Record<string, string>;
  body: string | null;
  href: string | null;
  meta: Record<string, unknown>;
  addon: string;
}

export interface Contact360 {
  contact: Omit<Contact, 'tags' | 'company'>;
  company: Contact | null;
  people: Contact[];
  timeline: TimelineEntry[];
  /** Other addons' panels (the crm `ContactPanel` extension point), tagged with their addon. */
  panels: { id: string; title: string; addon: string; items?: { label: string; value: string }[] }[];
}

/** An entry of a company's lead sources or activity types (GET /lead-sources, /activity-types). */
export interface ChoiceEntry {
  id: string;
  key: string;
  label: string;
  position: number;
  archived: boolean;
}

export interface ImportPreview {
  id: string;
  target: ImportTarget;
  filename: string | null;
  headers: string[];
  totalRows: number;
  sampleRows: string[][];
  suggestedMapping: Record<string, string | null>;
  /** Custom fields of what is imported: a column can map to `custom.<key>`. */
  customFields: { key: string; label: string; type: string }[];
}

// The same type the import service returns.
import type { ImportTarget } from '../src/shared/import.types.ts';

export type { ImportRowErrorView, ImportStatus, ImportTarget } from '../src/shared/import.types.ts';
