import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";
const CODE = (col: string) => `${col} char(3) not null check (${col} ~ '^[A-Z]{3}$')`;

/**
 * Money and locale: a tenant's company currency, its dated exchange rates (1 from = rate to,
 * valid from valid_on until a later row), and each user's locale and time zone for formatting.
 */
export class CoreMoney0013 extends Migration {
  override up(): void {
    this.addSql(`create table core_money_settings (
      ${tid},
      ${CODE('currency')},
      updated_at timestamptz not null default now(),
      primary key (tenant_id)
    )`);
    this.addSql(`create table core_exchange_rate (
      ${tid},
      id uuid not null,
      ${CODE('from_currency')},
      ${CODE('to_currency')},
      rate numeric(24, 12) not null check (rate > 0),
      valid_on date not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      check (from_currency <> to_currency)
    )`);
    // One rate per pair and day; the lookup (latest on or before a date) walks this index backwards.
    this.addSql(
      'create unique index core_exchange_rate_day_uq on core_exchange_rate (tenant_id, from_currency, to_currency, valid_on)',
    );
    for (const t of ['core_money_settings', 'core_exchange_rate']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
    // Null: the browser's (Accept-Language, its time-zone cookie) decide.
    this.addSql('alter table core_user add column locale varchar(35)');
    this.addSql('alter table core_user add column time_zone varchar(64)');
  }
}
