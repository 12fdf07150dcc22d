import type { Language } from './i18n.ts';

/**
 * A text written for its reader: a string, or a function the kernel calls with the reader's
 * language (their profile's, else English), e.g. `(lang) => messages.text(lang, 'assigned', { name })`
 * with the addon's `serverMessages`. A notification is stored as text, so it is written in the
 * language of the user who will read it.
 */
export type ReaderText = string | ((language: Language) => string);

/** One in-app notification for one user of the tenant (`ctx.notifications.send`). */
export interface NotificationMessage {
  /** The user told. */
  userId: string;
  /** `<addon>.<name>`, e.g. `crm.opportunity-won`: the user's preferences are per type. */
  type: string;
  /** One line, at most 200 characters (in the user's language: see `ReaderText`). */
  title: ReaderText;
  /** Optional detail, at most 2000 characters. */
  body?: ReaderText;
  /** The record's page inside the tenant's app, e.g. `/crm/contacts/<id>` (a relative path). */
  link?: string;
}

export interface Notifier {
  /**
   * Written with the transaction: the user sees it only if it commits, at once on their open
   * pages (the live channel), and by email instead when their preference for the type says so.
   * Returns the notification's id (null when the user turned the type off).
   */
  send(message: NotificationMessage): Promise<{ id: string | null }>;
}

/**
 * A kind of notification an addon sends (`defineAddon({ notifications: [...] })`): users choose
 * per kind how they hear of it (in-app, email, the daily digest, or not at all).
 */
export interface NotificationTypeDef {
  /** `<addon>.<name>`, as in `NotificationMessage.type`. */
  type: string;
  /** What the preferences screen shows, e.g. "A record was assigned to you" (in the reader's language). */
  title: ReaderText;
}

/** How a user hears of one kind of notification. */
export type NotificationChannel = 'in-app' | 'email' | 'digest' | 'off';
