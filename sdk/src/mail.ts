/** One email to send through the kernel's mail service (`ctx.mail.send`). */
export interface MailMessage {
  /** The recipient's address. */
  to: string;
  /** A template the kernel knows (see docs/administration.md), e.g. `core.password-reset`. */
  template: string;
  /** Values the template fills in (strings; `url` becomes the button link). */
  data?: Record<string, string>;
  /** `en`, `de`, ...; default: the recipient user's language in this tenant, else English. */
  language?: string;
  /**
   * Stored documents of this tenant (`ctx.documents.attach(...).id`, at most 5) sent as file
   * attachments; their bytes are read when the mail goes out. An unknown id is a 400 naming
   * `attachments.<i>.documentId`.
   */
  attachments?: readonly MailAttachment[];
}

export interface MailAttachment {
  documentId: string;
}

export interface Mailer {
  /**
   * Queues the message through the outbox: it is sent only if the transaction commits, from a
   * job with retries, and recorded in the tenant's delivery log. Returns the log entry's id.
   */
  send(message: MailMessage): Promise<{ id: string }>;
}
