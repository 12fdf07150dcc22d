import { Migration } from '@elevate/sdk';

/**
 * The language a user reads the app in becomes a preference like locale and time zone (core-0013):
 * null follows the browser. core-0007 made it `not null default 'en'` for mail templates, when no
 * one could choose it, so the 'en' everyone got is no choice and becomes null (mails still fall
 * back to English). The web pages and the API's error messages follow it (docs/i18n.md).
 */
export class CoreUserLanguage0025 extends Migration {
  override up(): void {
    this.addSql('alter table core_user alter column language drop not null, alter column language drop default');
    this.addSql(`update core_user set language = null where language = 'en'`);
  }

  override down(): void {
    this.addSql(`update core_user set language = 'en' where language is null`);
    this.addSql(`alter table core_user alter column language set default 'en', alter column language set not null`);
  }
}
