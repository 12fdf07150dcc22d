import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Inbound webhooks (docs/automation.md#inbound-webhooks): a rule with an `inbound` trigger gets
 * one URL whose token is kept only as its SHA-256 (the URL is shown once, when made or rotated),
 * with an optional HMAC secret the sender signs with. Deliveries are deduplicated by the run's
 * unique key (rule + `inbound:<webhook-id>`, core-0015), so no table of their own.
 * The rule's unused `inbound_secret` column (core-0015) gives way to this table.
 */
export class CoreAutomationInbound0018 extends Migration {
  override up(): void {
    this.addSql(`create table core_automation_inbound (
      ${tid},
      rule_id uuid not null,
      token_hash varchar(64) not null,
      -- The token's first characters, so an admin can tell which URL a sender has.
      token_hint varchar(16) not null,
      -- Signed deliveries only (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature); null: unsigned.
      secret varchar(100),
      created_by uuid not null,
      created_at timestamptz not null default now(),
      rotated_at timestamptz,
      last_used_at timestamptz,
      primary key (tenant_id, rule_id),
      foreign key (tenant_id, rule_id) references core_automation_rule (tenant_id, id) on delete cascade,
      foreign key (tenant_id, created_by) references core_user (tenant_id, id)
    )`);
    this.addSql('create unique index core_automation_inbound_token on core_automation_inbound (tenant_id, token_hash)');
    for (const s of tenantPolicySql('core_automation_inbound')) this.addSql(s);
    this.addSql('alter table core_automation_rule drop column inbound_secret');
  }
}
