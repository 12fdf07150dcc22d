/** One in-app notification for one user of the tenant (`ctx.notifications.send`). */
export interface NotificationMessage {
  /** The user told. */
  userId: string;
  /** `<addon>.<name>`, e.g. `crm.opportunity-won`: the user's preferences are per type. */
  type: string;
  /** One line, at most 200 characters. */
  title: string;
  /** Optional detail, at most 2000 characters. */
  body?: string;
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
