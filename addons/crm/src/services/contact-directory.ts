import { defineService, type RequestContext, type SystemContext } from '@elevate/sdk';
import { Contact } from '../models/contact.model.ts';

// crm's contacts as other addons may read them, by id: the names behind a page of sales documents
// in one statement instead of one request per customer.

/** What another addon needs to show a contact: who it is and how to reach it. */
export interface ContactSummary {
  id: string;
  kind: 'person' | 'company';
  name: string;
  email: string | null;
  phone: string | null;
  /** A person's company (a contact of kind `company`), when set. */
  companyId: string | null;
}

export interface ContactDirectoryService {
  /**
   * The contacts with these ids, in the order of `ids` (each once), leaving out those that do not
   * exist and those the caller may not see: in a request, only with `crm.contact.read` (none
   * without it) and under its record rules (a rep sees own contacts); in a job or hook, the
   * tenant's. Always one statement, whatever the number of ids; ids that are not UUIDs are
   * ignored. At most 500 ids (more: RangeError).
   */
  byIds(ids: readonly string[]): Promise<ContactSummary[]>;
}

export const ContactDirectory = defineService<ContactDirectoryService>('crm.contacts');
export const MAX_LOOKUP = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function contactDirectory(ctx: SystemContext): ContactDirectoryService {
  return {
    async byIds(ids) {
      if (ids.length > MAX_LOOKUP) throw new RangeError(`At most ${MAX_LOOKUP} contacts per lookup`);
      const wanted = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
      if (!wanted.length) return [];
      const rc = ctx as Partial<RequestContext>;
      let repo = ctx.db.repo(Contact);
      if (typeof rc.scoped === 'function') {
        if (!rc.can?.('crm.contact.read')) return [];
        repo = await rc.scoped(Contact, 'crm.contact.read');
      }
      const rows = await repo.find({ where: { id: { in: wanted } } });
      const byId = new Map(rows.map((c) => [c.id, c]));
      return wanted.flatMap((id) => {
        const c = byId.get(id);
        return c
          ? [{ id: c.id, kind: c.kind, name: c.name, email: c.email, phone: c.phone, companyId: c.company }]
          : [];
      });
    },
  };
}
