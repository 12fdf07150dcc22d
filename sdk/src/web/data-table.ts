// The columns of the kit's DataTable (components/DataTable.svelte).
import type { Snippet } from 'svelte';

/** A column of a DataTable: a field path of the row, its label, and how its cell shows. */
export interface DataColumn<T> {
  /** A field path of the row (`email`, `company.name`, `custom.industry`): what views store. */
  key: string;
  label: string;
  /** The cell's text (default: the value, `—` when empty). */
  format?: (value: never, row: T) => string;
  /** The cell's content, when text is not enough (links, badges, inline edit). */
  cell?: Snippet<[T]>;
  /** Right-aligned (amounts, counts). */
  numeric?: boolean;
  /** Sortable by this key (true: the column's key). */
  sortable?: boolean | string;
  /** Width in pixels when the view says none. */
  width?: number;
}

/** The value at a field path of a row (`company.name`). */
export function valueAt(row: unknown, path: string): unknown {
  let v: unknown = row;
  for (const k of path.split('.'))
    v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[k];
  return v;
}
