import { Migration } from '@elevate/sdk';

/**
 * Users, roles and teams administration: when a user last signed in, which roles are the seeded
 * defaults (kept, not deletable), a role's description, and a team's manager.
 */
export class CoreUsersAdmin0008 extends Migration {
  override up(): void {
    this.addSql('alter table core_user add column last_login_at timestamptz');
    this.addSql('alter table core_role add column description varchar(500)');
    this.addSql(`alter table core_team add column manager_id uuid`);
    this.addSql('alter table core_team add column updated_at timestamptz not null default now()');
    this.addSql(`alter table core_team add constraint core_team_manager_fkey foreign key (tenant_id, manager_id)
      references core_user (tenant_id, id) on delete set null (manager_id)`);
    this.addSql('create index core_team_manager_idx on core_team (tenant_id, manager_id)');
  }
}
