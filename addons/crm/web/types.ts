// The crm REST API's shapes as the web pages use them (see addons/crm/src/rest).

export interface Tag {
  id: string;
  name: string;
  color: string | null;
}

export interface Contact {
  id: string;
  kind: 'person' | 'company';
  name: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  city: string | null;
  country: string | null;
  website: string | null;
  source: string | null;
  companyId: string | null;
  company: { id: string; name: string } | null;
  tags: Tag[];
  createdAt: string;
  updatedAt: string;
}

export interface Stage {
  id: string;
  name: string;
  position: number;
  probability: number;
  kind: 'open' | 'won' | 'lost';
}

export interface Pipeline {
  id: string;
  name: string;
  isDefault: boolean;
  stages: Stage[];
}

export interface Opportunity {
  id: string;
  title: string;
  contact: string | null;
  pipeline: string;
  stage: string;
  position: number;
  value: string | null;
  currency: string;
  status: 'open' | 'won' | 'lost';
  probability: number;
  expectedCloseDate: string | null;
  closedAt: string | null;
  updatedAt: string;
}

export interface BoardColumn {
  stage: Stage;
  count: number;
  totalValue: string;
  opportunities: Opportunity[];
}

export interface Board {
  pipeline: Pipeline;
  stages: BoardColumn[];
}

export interface Lead {
  id: string;
  title: string;
  contactName: string | null;
  companyName: string | null;
  email: string | null;
  source: string | null;
  status: 'new' | 'contacted' | 'qualified' | 'converted' | 'disqualified';
  score: number;
  value: string | null;
  currency: string | null;
  createdAt: string;
}

export interface Activity {
  id: string;
  kind: 'call' | 'meeting' | 'email' | 'task';
  subject: string;
  description: string | null;
  dueAt: string | null;
  done: boolean;
  doneAt: string | null;
  contact: string | null;
  lead: string | null;
  opportunity: string | null;
}

export interface TimelineEntry {
  id: string;
  type: string;
  at: string;
  title: string;
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

export interface ImportPreview {
  id: string;
  filename: string | null;
  headers: string[];
  totalRows: number;
  sampleRows: string[][];
  suggestedMapping: Record<string, string | null>;
}

// The same type the import service returns.
export type { ImportRowErrorView, ImportStatus } from '../src/shared/import.types.ts';
