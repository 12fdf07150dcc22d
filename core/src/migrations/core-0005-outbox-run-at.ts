import { Migration } from '@elevate/sdk';

/**
 * Delayed and scheduled jobs. `run_at`: the earliest moment a queued job may run, written with
 * the job's outbox row (so it rolls back with it). `schedules_read`: the kernel, connected as
 * the schema owner like the relay, reads which tenants enabled which addons in one statement
 * to keep the per-tenant job schedulers in step (read only; requests never use the owner).
 */
export class CoreOutboxRunAt0005 extends Migration {
  override up(): void {
    this.addSql('alter table core_outbox add column run_at timestamptz');
    this.addSql(`do $$ begin
      execute format('create policy schedules_read on core_tenant_addon for select to %I using (true)', current_user);
    end $$`);
  }
}
