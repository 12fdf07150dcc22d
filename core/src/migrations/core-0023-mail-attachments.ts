import { Migration } from '@elevate/sdk';

/** A mail's attachments: stored documents (core_document ids), read when the mail is sent. */
export class CoreMailAttachments0023 extends Migration {
  override up(): void {
    this.addSql(`alter table core_mail_log add column attachments uuid[] not null default '{}'`);
  }
}
