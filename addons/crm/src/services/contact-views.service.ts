import { type RequestContext, selectList } from '@elevate/sdk';
import { Contact } from '../models/contact.model.ts';
import type { ContactView } from './contacts.service.ts';
import { finishPage, type ListOptions, listSql } from './list-query.ts';

const COLUMNS = selectList(Contact, { omit: ['company'] });

/**
 * A page of contacts as the REST list shows them — with company `{id, name}`, tags and the
 * total — in one statement: the page is cut first, then its companies (under the caller's
 * record rules) and tags are joined to those 50 rows only.
 */
export async function listContactViews(
  ctx: RequestContext,
  opts: ListOptions,
): Promise<{ rows: ContactView[]; total: number }> {
  const q = await listSql(ctx, 'contact', { filter: opts.filter, ...(opts.sort ? { sort: opts.sort } : {}) });
  const params = [...q.params];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const limit = add(opts.limit);
  const offset = add(opts.offset);
  const owners = await ctx.ownerIds('crm.contact.read');
  const companyRule = owners ? ` and co.owner_id = any(${add(owners)}::uuid[])` : '';
  const rows = await ctx.db.query<ContactView & { __total: number }>(
    `with page as (select t.* ${q.from} order by ${q.orderBy} limit ${limit} offset ${offset})
     select ${COLUMNS}, t.company_id as "companyId",
       case when co.id is null then null else json_build_object('id', co.id, 'name', co.name) end as company,
       coalesce((select json_agg(json_build_object('id', tg.id, 'name', tg.name, 'color', tg.color) order by tg.name, tg.id)
         from crm_contact_tag ct join crm_tag tg on tg.tenant_id = ct.tenant_id and tg.id = ct.tag_id
         where ct.tenant_id = t.tenant_id and ct.contact_id = t.id), '[]'::json) as tags,
       (select count(*)::int ${q.from}) as "__total"
     from page t left join crm_contact co on co.tenant_id = t.tenant_id and co.id = t.company_id${companyRule}
     order by ${q.orderBy}`,
    params,
  );
  return finishPage<ContactView>(ctx, rows, q, opts.offset);
}
