import { ConflictError, type ErrorDetail, NotFoundError, ValidationError } from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';

export interface TeamView {
  id: string;
  name: string;
  managerId: string | null;
  /** Every member, the manager included. */
  memberIds: string[];
  createdAt: string;
}

export interface TeamInput {
  name?: string;
  managerId?: string | null;
  memberIds?: string[];
}

const SELECT = `select t.id, t.name, t.manager_id as "managerId", t.created_at as "createdAt",
    coalesce((select array_agg(m.user_id order by m.user_id) from core_team_member m
       where m.tenant_id = t.tenant_id and m.team_id = t.id), '{}') as "memberIds"
  from core_team t`;

/**
 * Teams with a manager and members. `@team` record rules give a user the records of everyone
 * sharing a team with them; the manager is always a member of their team.
 */
export class Teams {
  async list(tx: TenantTx): Promise<TeamView[]> {
    return tx.query<TeamView>(`${SELECT} where t.tenant_id = $1 order by lower(t.name)`, [tx.tenantId]);
  }

  async get(tx: TenantTx, id: string): Promise<TeamView> {
    const rows = isUuid(id)
      ? await tx.query<TeamView>(`${SELECT} where t.tenant_id = $1 and t.id = $2`, [tx.tenantId, id])
      : [];
    if (!rows[0]) throw new NotFoundError('Team');
    return rows[0];
  }

  /** Every id must be a user of this company (another company's ids are unknown here). */
  private async checkUsers(tx: TenantTx, input: TeamInput): Promise<void> {
    const details: ErrorDetail[] = [];
    const ids = [...(input.memberIds ?? []), ...(input.managerId ? [input.managerId] : [])];
    const bad = ids.filter((id) => !isUuid(id));
    const found = new Set(
      (
        await tx.query<{ id: string }>('select id from core_user where tenant_id = $1 and id = any($2::uuid[])', [
          tx.tenantId,
          ids.filter((id) => isUuid(id)),
        ])
      ).map((r) => r.id),
    );
    if (input.managerId && !found.has(input.managerId)) details.push({ path: 'managerId', message: 'no such user' });
    (input.memberIds ?? []).forEach((id, i) => {
      if (bad.includes(id) || !found.has(id)) details.push({ path: `memberIds.${i}`, message: 'no such user' });
    });
    if (details.length) throw new ValidationError('Invalid team', details);
  }

  private async write(tx: TenantTx, id: string, input: TeamInput): Promise<void> {
    if (input.memberIds !== undefined) {
      const keep = [...new Set([...input.memberIds])];
      await tx.query(
        'delete from core_team_member where tenant_id = $1 and team_id = $2 and not (user_id = any($3::uuid[]))',
        [tx.tenantId, id, keep],
      );
      await tx.query(
        'insert into core_team_member (tenant_id, team_id, user_id) select $1, $2, unnest($3::uuid[]) on conflict do nothing',
        [tx.tenantId, id, keep],
      );
    }
    // The manager belongs to the team (so `@team` shows them its members' records).
    await tx.query(
      `insert into core_team_member (tenant_id, team_id, user_id)
       select tenant_id, id, manager_id from core_team where tenant_id = $1 and id = $2 and manager_id is not null
       on conflict do nothing`,
      [tx.tenantId, id],
    );
  }

  private nameOf(input: TeamInput, required: boolean): string | undefined {
    if (input.name === undefined && !required) return undefined;
    const name = (input.name ?? '').trim();
    if (!name) throw new ValidationError('Invalid team', [{ path: 'name', message: 'is required' }]);
    return name;
  }

  private taken(err: unknown, name: string): never {
    if ((err as { code?: string }).code === '23505') {
      throw new ConflictError('TEAM_NAME_TAKEN', `A team named "${name}" exists`, [
        { path: 'name', message: 'is taken' },
      ]);
    }
    throw err;
  }

  async create(tx: TenantTx, input: TeamInput): Promise<TeamView> {
    const name = this.nameOf(input, true) as string;
    await this.checkUsers(tx, input);
    let id: string;
    try {
      const rows = await tx.query<{ id: string }>(
        'insert into core_team (tenant_id, name, manager_id) values ($1, $2, $3) returning id',
        [tx.tenantId, name, input.managerId ?? null],
      );
      id = (rows[0] as { id: string }).id;
    } catch (err) {
      this.taken(err, name);
    }
    await this.write(tx, id, input);
    return this.get(tx, id);
  }

  async update(tx: TenantTx, id: string, input: TeamInput): Promise<TeamView> {
    const team = await this.get(tx, id);
    const name = this.nameOf(input, false) ?? team.name;
    await this.checkUsers(tx, input);
    try {
      await tx.query(
        'update core_team set name = $3, manager_id = $4, updated_at = now() where tenant_id = $1 and id = $2',
        [tx.tenantId, team.id, name, input.managerId === undefined ? team.managerId : input.managerId],
      );
    } catch (err) {
      this.taken(err, name);
    }
    await this.write(tx, team.id, input);
    return this.get(tx, team.id);
  }

  async remove(tx: TenantTx, id: string): Promise<void> {
    const team = await this.get(tx, id);
    await tx.query('delete from core_team where tenant_id = $1 and id = $2', [tx.tenantId, team.id]);
  }
}
