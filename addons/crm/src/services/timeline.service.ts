import type { RequestContext } from '@elevate/sdk';
import { type ContactPanel, ContactPanels, ContactTimeline, type TimelineEntry } from '../extensions.ts';
import type { ContactRow } from '../graphql/types.graphql.ts';
import { Contact } from '../models/contact.model.ts';

export const DEFAULT_TIMELINE = 50;
export const MAX_TIMELINE = 200;
const MAX_PEOPLE = 200;

/** A timeline entry with the addon it came from (`crm` for the contact's own records). */
export type SourcedEntry = TimelineEntry & { addon: string };
export type SourcedPanel = ContactPanel & { addon: string };

export interface Contact360 {
  contact: ContactRow;
  company: ContactRow | null;
  people: ContactRow[];
  timeline: SourcedEntry[];
  panels: SourcedPanel[];
}

/** The key of each crm entry's title in crm's web catalogue (addons/crm/web/messages), by type. */
const TITLE_KEYS: Record<string, string> = {
  'crm.activity': 'timeline.entry.activity',
  'crm.note': 'timeline.entry.note',
  'crm.lead': 'timeline.entry.lead',
  'crm.opportunity.created': 'timeline.entry.opportunity',
  'crm.opportunity.won': 'timeline.entry.won',
  'crm.opportunity.lost': 'timeline.entry.lost',
};

interface Part {
  permission: string;
  /**
   * A select of (id, type, at, title, body, href, meta, vals) for the contacts `$2` (uuid[]);
   * `owners(alias)` is the owner filter. `vals`: the values of the title's message (TITLE_KEYS).
   */
  sql: (owners: (alias: string) => string) => string;
}

// Each part lists what one kind of crm record says about the contact, under its own record rules.
const PARTS: Part[] = [
  {
    permission: 'crm.activity.read',
    sql: (
      o,
    ) => `select 'activity:' || a.id, 'crm.activity', coalesce(a.done_at, a.created_at), k.label || ': ' || a.subject,
      a.description, '/crm/activities/' || a.id, jsonb_build_object('kind', a.kind, 'done', a.done, 'dueAt', a.due_at),
      jsonb_build_object('kind', k.label, 'subject', a.subject)
      from crm_activity a
      cross join lateral (select coalesce((select t.label from crm_activity_type t
        where t.tenant_id = a.tenant_id and t.key = a.kind), a.kind) as label) k
      where a.tenant_id = $1 and a.contact_id = any($2::uuid[])${o('a')}`,
  },
  {
    permission: 'crm.activity.read',
    sql: (o) => `select 'note:' || n.id, 'crm.note', n.created_at, 'Note', n.body, null, null::jsonb, null::jsonb
      from crm_note n where n.tenant_id = $1 and n.contact_id = any($2::uuid[])${o('n')}`,
  },
  {
    permission: 'crm.lead.read',
    sql: (
      o,
    ) => `select 'lead:' || l.id, 'crm.lead', l.created_at, 'Lead: ' || l.title, l.description, '/crm/leads/' || l.id,
      jsonb_build_object('status', l.status, 'score', l.score), jsonb_build_object('title', l.title)
      from crm_lead l where l.tenant_id = $1 and l.contact_id = any($2::uuid[])${o('l')}`,
  },
  {
    permission: 'crm.opportunity.read',
    sql: (
      o,
    ) => `select 'opportunity:' || p.id || ':created', 'crm.opportunity.created', p.created_at, 'Opportunity: ' || p.title,
      null, '/crm/opportunities/' || p.id, jsonb_build_object('value', p.value, 'currency', p.currency),
      jsonb_build_object('title', p.title)
      from crm_opportunity p where p.tenant_id = $1 and p.contact_id = any($2::uuid[])${o('p')}
      union all
      select 'opportunity:' || p.id || ':' || p.status, 'crm.opportunity.' || p.status, p.closed_at,
        (case p.status when 'won' then 'Won: ' else 'Lost: ' end) || p.title, p.lost_reason, '/crm/opportunities/' || p.id,
        jsonb_build_object('value', p.value, 'currency', p.currency), jsonb_build_object('title', p.title)
      from crm_opportunity p where p.tenant_id = $1 and p.contact_id = any($2::uuid[]) and p.status in ('won', 'lost')
        and p.closed_at is not null${o('p')}`,
  },
];

/** The contact's own crm records, newest first, in one statement; kinds the caller may not read are left out. */
async function crmEntries(ctx: RequestContext, contactIds: string[], limit: number): Promise<SourcedEntry[]> {
  const params: unknown[] = [ctx.tenant.id, contactIds];
  const selects: string[] = [];
  const ownerParam = new Map<string, string>();
  for (const part of PARTS) {
    if (!ctx.can(part.permission)) continue;
    let p = ownerParam.get(part.permission);
    if (p === undefined) {
      const owners = await ctx.ownerIds(part.permission);
      p = '';
      if (owners) {
        params.push(owners);
        p = `$${params.length}`;
      }
      ownerParam.set(part.permission, p);
    }
    const param = p;
    selects.push(part.sql((alias) => (param ? ` and ${alias}.owner_id = any(${param}::uuid[])` : '')));
  }
  if (!selects.length) return [];
  params.push(limit);
  // Raw SQL, kept: one `union all` over every part's table, ordered and cut once, each part
  // with its own record rule (`owner_id = any(...)` from ctx.ownerIds above). The ORM has no
  // union; one statement per part plus a merge in the process would read `limit` rows of each.
  // Not benchmarked.
  const rows = await ctx.db.query<{
    id: string;
    type: string;
    at: string;
    title: string;
    body: string | null;
    href: string | null;
    meta: Record<string, unknown> | null;
    vals: Record<string, string> | null;
  }>(
    `select * from (${selects.join(' union all ')}) as e(id, type, at, title, body, href, meta, vals)
     order by at desc, id limit $${params.length}`,
    params,
  );
  return rows.map(({ vals, ...r }) => ({
    ...r,
    meta: r.meta ?? {},
    addon: 'crm',
    titleKey: TITLE_KEYS[r.type] ?? null,
    titleValues: vals ?? {},
  }));
}

const time = (e: TimelineEntry) => {
  const t = Date.parse(e.at);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
};

/**
 * crm's entries and every enabled addon's contributions, merged newest first and cut to `limit`.
 * `peopleIds`: a company's people, whose own crm records are part of the company's timeline.
 */
export async function contactTimeline(
  ctx: RequestContext,
  contactId: string,
  limit: number,
  peopleIds: readonly string[] = [],
): Promise<SourcedEntry[]> {
  const own = await crmEntries(ctx, [contactId, ...peopleIds], limit);
  // Comments (a platform feature crm's models opt into): on the contact and, for a company, its people.
  for (const c of await ctx.comments.recent(Contact, [contactId, ...peopleIds], limit)) {
    own.push({
      id: `comment:${c.id}`,
      type: 'core.comment',
      at: new Date(c.createdAt).toISOString(),
      title: c.parentId
        ? `Reply by ${c.author?.name ?? 'a former user'}`
        : `Comment by ${c.author?.name ?? 'a former user'}`,
      titleKey: `timeline.entry.${c.parentId ? 'reply' : 'comment'}${c.author ? '' : 'Former'}`,
      titleValues: c.author ? { name: c.author.name } : {},
      body: c.text,
      href: `/crm/contacts/${c.recordId}#comment-${c.id}`,
      meta: { commentId: c.id, parentId: c.parentId, edited: c.editedAt !== null },
      addon: 'crm',
    });
  }
  const contributed = await ctx.extensions.collect(ContactTimeline, { contactId, limit });
  const all: SourcedEntry[] = [...own];
  for (const { addon, result } of contributed) {
    for (const e of result ?? []) {
      if (Number.isNaN(Date.parse(e.at))) {
        ctx.log.warn({ addon, entry: e.id }, 'timeline entry without a valid date left out');
        continue;
      }
      all.push({ ...e, at: new Date(e.at).toISOString(), addon });
    }
  }
  all.sort((a, b) => time(b) - time(a) || a.addon.localeCompare(b.addon) || a.id.localeCompare(b.id));
  return all.slice(0, limit);
}

export async function contactPanels(ctx: RequestContext, contactId: string): Promise<SourcedPanel[]> {
  const contributed = await ctx.extensions.collect(ContactPanels, { contactId });
  return contributed.flatMap(({ addon, result }) => (result ?? []).map((p) => ({ ...p, addon })));
}

/**
 * The 360° view of a contact the caller may see (null otherwise): the contact, its company
 * or its people, the merged timeline (a company's includes its people's crm records) and the
 * panels of every enabled addon.
 */
export async function contact360(
  ctx: RequestContext,
  id: string,
  limit = DEFAULT_TIMELINE,
): Promise<Contact360 | null> {
  const repo = await ctx.scoped(Contact, 'crm.contact.read');
  const contact = await repo.get(id);
  if (!contact) return null;
  const n = Math.max(1, Math.min(MAX_TIMELINE, Math.trunc(limit)));
  const company = contact.company ? await repo.get(contact.company) : null;
  const people =
    contact.kind === 'company'
      ? await repo.find({ where: { company: contact.id }, orderBy: [{ field: 'name' }], limit: MAX_PEOPLE })
      : [];
  return {
    contact,
    company,
    people,
    timeline: await contactTimeline(
      ctx,
      contact.id,
      n,
      people.map((p) => p.id),
    ),
    panels: await contactPanels(ctx, contact.id),
  };
}
