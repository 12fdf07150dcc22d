import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Outgoing webhooks: a tenant's endpoints (URL, subscribed event types, signing secret) and
 * the delivery log (one row per event and endpoint, updated on every attempt).
 */
export class CoreWebhooks0011 extends Migration {
  override up(): void {
    this.addSql(`create table core_webhook (
      ${tid},
      id uuid not null,
      url varchar(2000) not null,
      description varchar(500) not null default '',
      events text[] not null,
      secret text not null,
      enabled boolean not null default true,
      consecutive_failures int not null default 0,
      disabled_reason varchar(500),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`);
    this.addSql(`create table core_webhook_delivery (
      ${tid},
      id uuid not null,
      webhook_id uuid not null,
      message_id varchar(64) not null,
      event_type varchar(200) not null,
      body text not null,
      status varchar(16) not null default 'pending',
      attempts int not null default 0,
      status_code int,
      duration_ms int,
      error varchar(1000),
      response_excerpt varchar(1000),
      redelivery_of uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, webhook_id) references core_webhook (tenant_id, id) on delete cascade
    )`);
    this.addSql(
      'create index core_webhook_delivery_hook_idx on core_webhook_delivery (tenant_id, webhook_id, created_at desc)',
    );
    // One first delivery per event and endpoint (the events queue may run an event twice).
    this.addSql(
      'create unique index core_webhook_delivery_once on core_webhook_delivery (tenant_id, webhook_id, message_id) where redelivery_of is null',
    );
    for (const t of ['core_webhook', 'core_webhook_delivery']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
  }
}
