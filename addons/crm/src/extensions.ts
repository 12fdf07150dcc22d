import { defineExtensionPoint } from '@elevate/sdk';

/** One entry on a contact's 360° timeline. */
export interface TimelineEntry {
  /** Stable id, unique within the contributing addon. */
  id: string;
  /** What happened, e.g. `crm.activity`, `sales.order`. */
  type: string;
  at: string;
  /** What the page shows, in English: the fallback of `titleKey`. */
  title: string;
  /**
   * The title's key in the contributing addon's web catalogue (`web/messages/<lang>.json`), e.g.
   * `timeline.order` = "Order {number}": the page shows it in the reader's language with `titleValues`.
   */
  titleKey?: string | null;
  titleValues?: Record<string, string>;
  body?: string | null;
  /** Link for the web app, relative (e.g. `/sales/orders/…`). */
  href?: string | null;
  meta?: Record<string, unknown>;
}

/** A block of facts other addons show on the contact 360° page (e.g. sales totals, AI score). */
export interface ContactPanel {
  id: string;
  title: string;
  items: { label: string; value: string }[];
}

/** Other addons add entries to a contact's timeline. */
export const ContactTimeline = defineExtensionPoint<{ contactId: string; limit: number }, TimelineEntry[]>(
  'crm.contact.timeline',
);

/** Other addons add panels to the contact 360° view. */
export const ContactPanels = defineExtensionPoint<{ contactId: string }, ContactPanel[]>('crm.contact.panels');
