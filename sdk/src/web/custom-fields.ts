// Custom fields in the browser: the definitions a page shows (GET /v1/core/custom-fields), their
// values as list cells, and form values → the `custom` object an API write takes.
import type { CustomFieldDef } from '../custom-fields.ts';
import type { DataColumn } from './data-table.ts';
import { formatDay, formatMoney } from './format.ts';

export type { CustomFieldDef } from '../custom-fields.ts';

/** A value as a list cell or detail line: option labels, money in the user's locale, dates. */
export function customFieldDisplay(def: CustomFieldDef, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const label = (id: unknown) => def.options.find((o) => o.id === id)?.label ?? String(id);
  switch (def.type) {
    case 'money': {
      const m = value as { amount: string; currency: string };
      return formatMoney(m.amount, m.currency);
    }
    case 'date':
      return formatDay(String(value));
    case 'select':
      return label(value);
    case 'multiselect':
      return Array.isArray(value) ? value.map(label).join(', ') : '—';
    case 'checkbox':
      return value ? 'Yes' : 'No';
    default:
      return String(value);
  }
}

/**
 * DataTable columns for custom fields (rows carry `custom`): one per definition, in order, keyed by
 * the field path `custom.<key>` (what saved views store and the lists sort by).
 */
export function customFieldColumns<T extends { id: string; custom?: Record<string, unknown> }>(
  defs: readonly CustomFieldDef[],
): DataColumn<T>[] {
  return defs.map((d) => ({
    key: `custom.${d.key}`,
    label: d.label,
    numeric: d.type === 'number' || d.type === 'money',
    sortable: true,
    format: (_v: never, row: T) => customFieldDisplay(d, row.custom?.[d.key]),
  }));
}

/** Form state of one field: text for text-like inputs, a list for multi-select, a flag for a checkbox. */
export type CustomFormValue = string | boolean | string[] | { amount: string; currency: string };

/** Form state from stored values (a new record starts from the defaults). */
export function customFormValues(
  defs: readonly CustomFieldDef[],
  stored: Record<string, unknown> | null | undefined,
): Record<string, CustomFormValue> {
  const out: Record<string, CustomFormValue> = {};
  for (const d of defs) {
    const v = stored ? stored[d.key] : (d.defaultValue ?? undefined);
    if (d.type === 'checkbox') out[d.key] = v === true;
    else if (d.type === 'multiselect') out[d.key] = Array.isArray(v) ? [...(v as string[])] : [];
    else if (d.type === 'money') {
      const m = (v ?? {}) as { amount?: string; currency?: string };
      out[d.key] = { amount: m.amount ?? '', currency: m.currency ?? 'USD' };
    } else out[d.key] = typeof v === 'string' ? v : '';
  }
  return out;
}

/**
 * The `custom` object of a write: filled values, and on an edit `null` for emptied ones (a new
 * record leaves them out, so defaults apply).
 */
export function customBody(
  defs: readonly CustomFieldDef[],
  values: Record<string, CustomFormValue>,
  editing: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of defs) {
    const v = values[d.key];
    if (d.type === 'checkbox') out[d.key] = v === true;
    else if (d.type === 'multiselect') {
      const list = Array.isArray(v) ? v : [];
      if (list.length) out[d.key] = list;
      else if (editing) out[d.key] = null;
    } else if (d.type === 'money') {
      const m = v as { amount: string; currency: string };
      if (m?.amount.trim()) out[d.key] = { amount: m.amount.trim(), currency: m.currency };
      else if (editing) out[d.key] = null;
    } else {
      const s = typeof v === 'string' ? v.trim() : '';
      if (s) out[d.key] = s;
      else if (editing) out[d.key] = null;
    }
  }
  return out;
}
