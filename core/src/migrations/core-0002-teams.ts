import { Migration, tenantPolicySql } from '@elevate/sdk';

/** Teams, for `@team` record rules: a user sees the records of everyone sharing a team with them. */
export class CoreTeams0002 extends Migration {
  override up(): void {
    const tid =
      "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";
    this.addSql(`create table core_team (
      ${tid},
      id uuid not null default gen_random_uuid(),
      name varchar(200) not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, name)
    )`);
    this.addSql(`create table core_team_member (
      ${tid},
      team_id uuid not null,
      user_id uuid not null,
      primary key (tenant_id, team_id, user_id),
      foreign key (tenant_id, team_id) references core_team (tenant_id, id) on delete cascade,
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql('create index core_team_member_user_idx on core_team_member (tenant_id, user_id)');
    for (const t of ['core_team', 'core_team_member']) for (const s of tenantPolicySql(t)) this.addSql(s);
  }
}
