import {
  type AnyModel,
  type CustomFieldDef,
  CustomFieldError,
  type CustomFieldFilter,
  type CustomFieldSql,
  type CustomFields,
  type ErrorDetail,
} from '@elevate/sdk';
import { type CfDb, definitionsOf } from './definitions.ts';
import { customDetails, documentValidator } from './validators.ts';

// `ctx.customFields`: the tenant's definitions for one request, what the caller may see of them,
// validation of writes, and the SQL of filters and sorts. Definitions are read once per model per
// request (one small indexed statement), or not at all while the tenant's stamp (read by the
// request's opening) is the one they were kept under; the compiled validator is cached across requests.

/** Who reads: `all` (system contexts, holders of core.customfields.manage) or a set of role keys. */
export type Viewer = { all: true } | { all: false; roles: () => Promise<ReadonlySet<string>> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^-?\d{1,20}(\.\d{1,10})?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TEXTUAL = new Set(['text', 'url', 'email', 'phone', 'select', 'link', 'date', 'checkbox']);
const NUMERIC = new Set(['number', 'money']);

/** The expression the platform indexes for a field (the same text in queries, or no index is used). */
export function valueExpr(def: Pick<CustomFieldDef, 'key' | 'type'>, alias: string): string | null {
  const col = alias ? `${alias}.custom` : 'custom';
  if (NUMERIC.has(def.type)) return `elevate_cf_num(${col}, '${def.key}')`;
  if (TEXTUAL.has(def.type)) return `elevate_cf_text(${col}, '${def.key}')`;
  return null;
}

/**
 * Definitions kept between requests, per tenant and model, with the stamp they were read under:
 * reused while the request's opening reads the same stamp (any change to a definition changes it).
 */
const kept = new Map<string, { stamp: string; defs: CustomFieldDef[] }>();
const KEPT_MAX = 10_000;

export function customFieldsFor(
  db: CfDb,
  models: () => ReadonlyMap<string, AnyModel>,
  viewer: Viewer,
  stamp?: string,
): CustomFields {
  const defs = new Map<string, Promise<CustomFieldDef[]>>();
  const nameOf = (model: AnyModel | string) => {
    const name = typeof model === 'string' ? model : model.name;
    if (!models().has(name)) throw new Error(`Model ${name} does not take custom fields (customFields: true)`);
    return name;
  };
  const all = (name: string) => {
    let p = defs.get(name);
    if (!p) {
      const key = `${db.tenantId}:${name}`;
      const hit = stamp === undefined ? undefined : kept.get(key);
      if (hit && hit.stamp === stamp) p = Promise.resolve(hit.defs);
      else {
        p = definitionsOf(db, name);
        if (stamp !== undefined) {
          p.then((d) => {
            if (kept.size >= KEPT_MAX) kept.clear();
            kept.set(key, { stamp, defs: d });
          }).catch(() => {});
        }
      }
      defs.set(name, p);
    }
    return p;
  };
  let rolesP: Promise<ReadonlySet<string>> | null = null;
  const visible = async (name: string): Promise<CustomFieldDef[]> => {
    const active = (await all(name)).filter((d) => !d.archived);
    // The caller's roles are read only when a field is limited to some (most companies have none).
    if (viewer.all || active.every((d) => !d.visibleTo)) return active;
    rolesP ??= viewer.roles();
    const roles = await rolesP;
    return active.filter((d) => !d.visibleTo || d.visibleTo.some((r) => roles.has(r)));
  };

  /** Linked records must exist in the tenant (existence only: record rules apply when they are read). */
  const checkLinks = async (defsByKey: Map<string, CustomFieldDef>, input: Record<string, unknown>) => {
    const details: ErrorDetail[] = [];
    for (const [key, v] of Object.entries(input)) {
      const d = defsByKey.get(key);
      if (d?.type !== 'link' || typeof v !== 'string' || !d.linkModel) continue;
      const target = models().get(d.linkModel);
      if (!target) continue;
      const rows = await db.query(`select 1 from "${target.table}" where tenant_id = $1 and id = $2`, [db.tenantId, v]);
      if (!rows.length) details.push({ path: `custom.${key}`, message: `no such ${d.linkModel}` });
    }
    return details;
  };

  const api: CustomFields = {
    accepts: (model) => models().has(typeof model === 'string' ? model : model.name),

    async fields(model) {
      return visible(nameOf(model));
    },

    async prepare(model, input, existing) {
      const name = nameOf(model);
      const shown = await visible(name);
      const out: Record<string, unknown> = { ...(existing ?? {}) };
      if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
        throw new CustomFieldError([{ path: 'custom', message: 'must be an object' }]);
      }
      const given = (input ?? {}) as Record<string, unknown>;
      const validate = documentValidator(`${db.tenantId}:${name}`, shown);
      const details: ErrorDetail[] = validate(given) ? [] : customDetails(validate.errors);
      const byKey = new Map(shown.map((d) => [d.key, d]));
      if (!details.length) details.push(...(await checkLinks(byKey, given)));
      for (const [k, v] of Object.entries(given)) {
        if (v === null) delete out[k];
        else out[k] = v;
      }
      if (!existing) {
        // Defaults of every active field (also those the caller does not see): the admin set them.
        for (const d of (await all(name)).filter((x) => !x.archived)) {
          if (out[d.key] === undefined && d.defaultValue !== null) out[d.key] = d.defaultValue;
        }
      }
      for (const d of shown) {
        if (!d.required || details.some((x) => x.path === `custom.${d.key}`)) continue;
        const missing =
          out[d.key] === undefined || out[d.key] === '' || (Array.isArray(out[d.key]) && !(out[d.key] as []).length);
        // On update only a value the caller clears counts: older records may predate the rule.
        if (missing && (!existing || given[d.key] !== undefined))
          details.push({ path: `custom.${d.key}`, message: 'is required' });
      }
      if (details.length) throw new CustomFieldError(details);
      return out;
    },

    async stored(model, ids) {
      const m = models().get(nameOf(model)) as AnyModel;
      const rows = ids.length
        ? await db.query<{ id: string; custom: Record<string, unknown> }>(
            `select id, custom from "${m.table}" where tenant_id = $1 and id = any($2::uuid[])`,
            [db.tenantId, ids.filter((id) => UUID.test(id))],
          )
        : [];
      return new Map(rows.map((r) => [r.id, r.custom ?? {}]));
    },

    async values(model, ids) {
      const [docs, read] = await Promise.all([api.stored(model, ids), api.reader(model)]);
      return new Map(ids.map((id) => [id, read(docs.get(id))]));
    },

    async reader(model) {
      const keys = (await visible(nameOf(model))).map((d) => d.key);
      return (doc) => {
        const src = (doc ?? {}) as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
        return out;
      };
    },

    async sql(model, add, alias = 't'): Promise<CustomFieldSql> {
      const byKey = new Map((await visible(nameOf(model))).map((d) => [d.key, d]));
      const fieldOf = (key: string): CustomFieldDef => {
        const d = byKey.get(key);
        if (!d) throw new CustomFieldError([{ path: `custom.${key}`, message: 'is not a custom field of this list' }]);
        return d;
      };
      const col = alias ? `${alias}.custom` : 'custom';
      const one = (f: CustomFieldFilter): string => {
        const d = fieldOf(f.key);
        const path = `custom.${f.key}`;
        const fail = (message: string): never => {
          throw new CustomFieldError([{ path, message }]);
        };
        if (f.op === 'empty') {
          if (f.value !== 'true' && f.value !== 'false') fail('empty takes true or false');
          return `(${col} -> '${d.key}') is ${f.value === 'true' ? '' : 'not '}null`;
        }
        if (d.type === 'multiselect') {
          if (f.op !== 'eq' && f.op !== 'contains') fail('a multi-select filters by one option');
          return `(${col} -> '${d.key}') @> to_jsonb(${add(f.value)}::text)`;
        }
        const expr = valueExpr(d, alias) as string;
        if (f.op === 'contains') {
          if (!['text', 'url', 'email', 'phone'].includes(d.type)) fail('contains applies to text fields');
          return `${expr} ilike ${add(`%${f.value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`;
        }
        const cmp = f.op === 'gte' ? '>=' : f.op === 'lte' ? '<=' : '=';
        if (NUMERIC.has(d.type)) {
          if (!DECIMAL.test(f.value)) fail('must be a decimal number');
          return `${expr} ${cmp} ${add(f.value)}::numeric`;
        }
        if (f.op !== 'eq' && d.type !== 'date') fail(`${f.op} applies to numbers, money and dates`);
        if (d.type === 'date' && !DAY.test(f.value)) fail('must be a date (YYYY-MM-DD)');
        if (d.type === 'checkbox' && f.value !== 'true' && f.value !== 'false') fail('must be true or false');
        // Text comparison: dates are ISO strings, so their order is the calendar's.
        return `${expr} ${cmp} ${add(f.value)}`;
      };
      return {
        where: (filters) => filters.map(one),
        orderBy(sort) {
          const m = /^(-?)custom\.([a-z][a-z0-9_]{0,39})$/.exec(sort);
          if (!m) return null;
          const d = fieldOf(m[2] as string);
          const expr = valueExpr(d, alias) ?? `(${col} ->> '${d.key}')`;
          return `${expr} ${m[1] ? 'desc' : 'asc'} nulls last`;
        },
      };
    },
  };
  return api;
}
