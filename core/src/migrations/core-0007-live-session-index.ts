import { Migration } from '@elevate/sdk';

/**
 * Every authenticated request checks that its access token's session family is still live (a
 * token of the family neither revoked nor expired). A family gains a revoked row at each refresh
 * (~96 a day), so the check gets an index of the live rows only: one probe whatever the family's age.
 */
export class CoreLiveSessionIndex0007 extends Migration {
  override up(): void {
    this.addSql(
      'create index core_refresh_token_live_idx on core_refresh_token (tenant_id, family_id) where revoked_at is null',
    );
  }
}
