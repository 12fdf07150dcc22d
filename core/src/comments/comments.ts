import { randomUUID } from 'node:crypto';
import {
  type AnyAddon,
  type AnyModel,
  AppError,
  allows,
  type CommentInfo,
  type CommentUser,
  commentPlainText,
  commentTextProblem,
  ForbiddenError,
  mentionIds,
  NotFoundError,
  type RequestContext,
  renderCommentHtml,
  teamMentionIds,
  ValidationError,
  widestScope,
} from '@elevate/sdk';
import { isUuid } from '../db/uuid.ts';
import { notificationText, readersLanguages } from '../notifications/texts.ts';
import {
  type Commentable,
  CommentCreated,
  CommentDeleted,
  type CommentEventPayload,
  CommentUpdated,
  commentables,
} from './commentables.ts';

/** Who may delete anyone's comment (admins have it through `core.*`). */
export const MODERATE = 'core.comments.moderate';
export const MENTION_TYPE = 'core.mention';
/** Who may change the company's comment settings (the edit window). */
export const SETTINGS = 'core.settings.manage';
/** Minutes after writing a comment its author may still edit or delete it, unless the company sets otherwise. */
export const DEFAULT_EDIT_WINDOW = 15;
const MAX_EDIT_WINDOW = 525_600; // a year

interface Row {
  id: string;
  model: string;
  recordId: string;
  parentId: string | null;
  authorId: string | null;
  authorName: string | null;
  body: string;
  mentions: string[];
  teamMentions: string[];
  editableUntil: string | null;
  /** Still inside the edit window (computed by the database's clock). */
  inWindow: boolean;
  editedAt: string | null;
  deletedAt: string | null;
  createdAt: string;
}

const WINDOW = `coalesce(s.edit_window_minutes, ${DEFAULT_EDIT_WINDOW})`;
const COLUMNS = `c.id, c.model, c.record_id as "recordId", c.parent_id as "parentId", c.author_id as "authorId",
  u.name as "authorName", c.body, c.mentions::text[] as mentions, c.team_mentions::text[] as "teamMentions",
  case when ${WINDOW} = 0 then null else c.created_at + make_interval(mins => ${WINDOW}) end as "editableUntil",
  (${WINDOW} = 0 or c.created_at + make_interval(mins => ${WINDOW}) > now()) as "inWindow",
  c.edited_at as "editedAt", c.deleted_at as "deletedAt", c.created_at as "createdAt"`;
const JOINS = `left join core_user u on u.tenant_id = c.tenant_id and u.id = c.author_id
  left join core_comment_setting s on s.tenant_id = c.tenant_id`;
const FROM = `core_comment c ${JOINS}`;

type Rec = Record<string, unknown> & { id: string; ownerId?: string | null };

/** The commented record as the caller may see it: 404 when they may not, 403 without the read permission. */
interface Target {
  entry: Commentable;
  model: AnyModel;
  row: Rec;
  permission: string;
  link: string;
  label: string;
}

export class CommentService {
  private readonly registry: ReadonlyMap<string, Commentable>;

  constructor(addons: readonly AnyAddon[]) {
    this.registry = commentables(addons);
  }

  /** A model that takes comments and that this tenant has: a 400 naming `field` otherwise. */
  private commentable(rc: RequestContext, model: unknown, field = 'model'): Commentable {
    const entry = typeof model === 'string' ? this.registry.get(model) : undefined;
    if (!entry || !rc.enabledAddons.has(entry.addon.id)) {
      throw new ValidationError('Invalid comment target', [
        { path: field, message: 'must be the name of a model that takes comments, e.g. "crm.contact"' },
      ]);
    }
    return entry;
  }

  async target(rc: RequestContext, modelName: unknown, recordId: unknown): Promise<Target> {
    const entry = this.commentable(rc, modelName);
    const model = entry.def.model;
    const permission = `${model.access}.read`;
    // Record rules apply: a record the caller cannot see has no comments they can see.
    const repo = await rc.scoped(model, permission);
    const row = typeof recordId === 'string' && isUuid(recordId) ? ((await repo.get(recordId)) as Rec | null) : null;
    if (!row) throw new NotFoundError('Record');
    return {
      entry,
      model,
      row,
      permission,
      link: entry.def.link(row as never),
      label: entry.def.label(row as never),
    };
  }

  /** Names of the users and teams with these ids (ids are unique across both). */
  private async names(rc: RequestContext, ids: readonly string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await rc.db.query<{ id: string; name: string }>(
      `select id, name from core_user where tenant_id = $1 and id = any($2::uuid[])
       union all select id, name from core_team where tenant_id = $1 and id = any($2::uuid[])`,
      [rc.tenant.id, ids],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  private view(r: Row, names: ReadonlyMap<string, string>): CommentInfo {
    const deleted = r.deletedAt !== null;
    const mentions: CommentUser[] = r.mentions.map((id) => ({ id, name: names.get(id) ?? 'someone' }));
    const teams: CommentUser[] = r.teamMentions.map((id) => ({ id, name: names.get(id) ?? 'a team' }));
    return {
      id: r.id,
      model: r.model,
      recordId: r.recordId,
      parentId: r.parentId,
      author: r.authorId ? { id: r.authorId, name: r.authorName ?? '' } : null,
      body: deleted ? '' : r.body,
      html: deleted ? '' : renderCommentHtml(r.body, names),
      text: deleted ? '' : commentPlainText(r.body, names),
      mentions: deleted ? [] : mentions,
      teamMentions: deleted ? [] : teams,
      editableUntil: r.editableUntil,
      editedAt: r.editedAt,
      deletedAt: r.deletedAt,
      createdAt: r.createdAt,
    };
  }

  private async views(rc: RequestContext, rows: Row[]): Promise<CommentInfo[]> {
    const names = await this.names(rc, [...new Set(rows.flatMap((r) => [...r.mentions, ...r.teamMentions]))]);
    return rows.map((r) => this.view(r, names));
  }

  /**
   * A record's threads, newest first: each top-level comment with its replies (oldest first).
   * A deleted comment stays as a marker while it has replies.
   */
  async list(rc: RequestContext, modelName: unknown, recordId: unknown, page: { limit: number; offset: number }) {
    const t = await this.target(rc, modelName, recordId);
    const where = `c.tenant_id = $1 and c.model = $2 and c.record_id = $3 and c.parent_id is null
      and (c.deleted_at is null or exists (select 1 from core_comment r
        where r.tenant_id = c.tenant_id and r.parent_id = c.id and r.deleted_at is null))`;
    const params = [rc.tenant.id, t.model.name, t.row.id];
    const roots = await rc.db.query<Row>(
      `select ${COLUMNS} from ${FROM} where ${where} order by c.created_at desc, c.id desc limit $4 offset $5`,
      [...params, page.limit, page.offset],
    );
    const [{ total } = { total: 0 }] = await rc.db.query<{ total: number }>(
      `select count(*)::int as total from core_comment c where ${where}`,
      params,
    );
    const replies = roots.length
      ? await rc.db.query<Row>(
          `select ${COLUMNS} from ${FROM}
           where c.tenant_id = $1 and c.parent_id = any($2::uuid[]) and c.deleted_at is null
           order by c.created_at, c.id`,
          [rc.tenant.id, roots.map((r) => r.id)],
        )
      : [];
    const all = await this.views(rc, [...roots, ...replies]);
    const byParent = new Map<string, CommentInfo[]>();
    for (const c of all.slice(roots.length)) {
      const list = byParent.get(c.parentId ?? '') ?? [];
      list.push(c);
      byParent.set(c.parentId ?? '', list);
    }
    const data = all.slice(0, roots.length).map((c) => ({ ...c, replies: byParent.get(c.id) ?? [] }));
    return { data, total_count: total, limit: page.limit, offset: page.offset };
  }

  /** Newest comments on these records (those the caller may read), for timelines. */
  async recent(rc: RequestContext, model: AnyModel, recordIds: readonly string[], limit: number) {
    const entry = this.registry.get(model.name);
    if (!entry || !rc.enabledAddons.has(entry.addon.id)) return [];
    const repo = await rc.scoped(model, `${model.access}.read`);
    const ids = recordIds.filter(isUuid);
    const visible = (await repo.getMany(ids)).filter((r): r is NonNullable<typeof r> => r !== null).map((r) => r.id);
    if (!visible.length) return [];
    const rows = await rc.db.query<Row>(
      `select ${COLUMNS} from ${FROM}
       where c.tenant_id = $1 and c.model = $2 and c.record_id = any($3::uuid[]) and c.deleted_at is null
       order by c.created_at desc, c.id desc limit $4`,
      [rc.tenant.id, model.name, visible, Math.max(1, Math.min(200, Math.trunc(limit)))],
    );
    return this.views(rc, rows);
  }

  /** `ctx.comments.move`: a merge hands the comments of `fromId` to `toId` (see the SDK's `Comments`). */
  async move(rc: RequestContext, model: AnyModel, fromId: string, toId: string): Promise<number> {
    const from = await this.target(rc, model.name, fromId);
    const to = await this.target(rc, model.name, toId);
    const moved = await rc.db.query<{ id: string }>(
      `update core_comment set record_id = $4 where tenant_id = $1 and model = $2 and record_id = $3 returning id::text`,
      [rc.tenant.id, model.name, from.row.id, to.row.id],
    );
    if (moved.length) {
      await rc.db.query(
        `update core_notification n set link = $3 || '#comment-' || m.id
         from unnest($2::text[]) m(id)
         where n.tenant_id = $1 and n.type = '${MENTION_TYPE}' and n.link like '%#comment-' || m.id`,
        [rc.tenant.id, moved.map((m) => m.id), to.link],
      );
    }
    return moved.length;
  }

  /**
   * Of these users, those who are active users of the tenant and may read the record (their own
   * roles, teams and record rules), with their names. Users of another tenant are not found at all
   * (row-level security).
   */
  async readers(rc: RequestContext, t: Target, userIds: readonly string[]) {
    if (!userIds.length) return new Map<string, { name: string; canRead: boolean }>();
    const rows = await rc.db.query<{ id: string; name: string; patterns: string[] | null; team: string[] }>(
      `select u.id, u.name,
         (select array_agg(distinct p) from core_user_role ur
            join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id, unnest(r.permissions) p
          where ur.tenant_id = u.tenant_id and ur.user_id = u.id) as patterns,
         array(select distinct m2.user_id::text from core_team_member m1
            join core_team_member m2 on m2.tenant_id = m1.tenant_id and m2.team_id = m1.team_id
          where m1.tenant_id = u.tenant_id and m1.user_id = u.id) as team
       from core_user u where u.tenant_id = $1 and u.id = any($2::uuid[]) and u.active`,
      [rc.tenant.id, userIds],
    );
    const owner = t.model.owned ? (t.row.ownerId ?? null) : null;
    const out = new Map<string, { name: string; canRead: boolean }>();
    for (const r of rows) {
      const patterns = r.patterns ?? [];
      const scope = allows(patterns, rc.enabledAddons, t.permission) ? widestScope(patterns, t.permission) : null;
      const canRead =
        scope === 'all' ||
        (scope !== null && !t.model.owned) ||
        (scope === 'own' && owner === r.id) ||
        (scope === 'team' && owner !== null && (owner === r.id || r.team.includes(owner)));
      out.set(r.id, { name: r.name, canRead });
    }
    return out;
  }

  /**
   * The mentions of a text, checked: 422 naming `body` for anyone not in the company or unable to
   * see the record, or a team that is not one of the company's (another company's is not found).
   */
  private async checkMentions(rc: RequestContext, t: Target, body: string) {
    const teams = teamMentionIds(body);
    if (teams.length) {
      const known = await rc.db.query<{ id: string }>(
        'select id from core_team where tenant_id = $1 and id = any($2::uuid[])',
        [rc.tenant.id, teams],
      );
      const missing = teams.filter((id) => !known.some((k) => k.id === id));
      if (missing.length) {
        throw new AppError('MENTION_UNKNOWN_TEAM', 'The comment mentions a team that is not one of this company', {
          status: 422,
          details: missing.map((id) => ({
            path: 'body',
            message: `mentions the team ${id}, which does not exist here`,
            id,
          })),
        });
      }
    }
    const ids = mentionIds(body);
    const found = await this.readers(rc, t, ids);
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length) {
      throw new AppError('MENTION_UNKNOWN_USER', 'The comment mentions someone who is not a user of this company', {
        status: 422,
        details: unknown.map((id) => ({ path: 'body', message: `mentions ${id}, who is not an active user here`, id })),
      });
    }
    const blind = ids.filter((id) => !found.get(id)?.canRead);
    if (blind.length) {
      throw new AppError('MENTION_CANNOT_READ', 'The comment mentions someone who cannot see this record', {
        status: 422,
        details: blind.map((id) => ({
          path: 'body',
          message: `mentions ${found.get(id)?.name ?? id}, who cannot see this record`,
          id,
        })),
      });
    }
    return { users: ids, teams };
  }

  /**
   * Who a comment's mentions reach: the users mentioned, and the active members of the teams
   * mentioned who may read the record (others are left out, not refused), each once; never the
   * author. The map says whether someone is reached only through a team (its name).
   */
  private async reached(rc: RequestContext, t: Target, users: readonly string[], teams: readonly string[]) {
    const out = new Map<string, string | null>(users.map((u) => [u, null]));
    if (teams.length) {
      const members = await rc.db.query<{ user_id: string; name: string }>(
        `select m.user_id::text, min(t.name) as name from core_team_member m
           join core_team t on t.tenant_id = m.tenant_id and t.id = m.team_id
         where m.tenant_id = $1 and m.team_id = any($2::uuid[]) group by m.user_id`,
        [rc.tenant.id, teams],
      );
      const readers = await this.readers(
        rc,
        t,
        members.map((m) => m.user_id),
      );
      for (const m of members) if (readers.get(m.user_id)?.canRead && !out.has(m.user_id)) out.set(m.user_id, m.name);
    }
    out.delete(rc.user.id);
    return out;
  }

  private checkText(body: unknown): string {
    const problem = commentTextProblem(body);
    if (problem) throw new ValidationError('Invalid comment', [{ path: 'body', message: problem }]);
    return (body as string).trim();
  }

  private payload(t: Target, row: Row, names: ReadonlyMap<string, string>): CommentEventPayload {
    return {
      id: row.id,
      model: t.model.name,
      recordId: t.row.id,
      parentId: row.parentId,
      authorId: row.authorId,
      ownerId: t.model.owned ? (t.row.ownerId ?? null) : null,
      permission: t.permission,
      text: row.deletedAt ? '' : commentPlainText(row.body, names),
      mentions: row.deletedAt ? [] : row.mentions,
      teamMentions: row.deletedAt ? [] : row.teamMentions,
      link: `${t.link}#comment-${row.id}`,
    };
  }

  /** Notifies these users (user id → the team through which they were reached, or null: by name). */
  private async notify(rc: RequestContext, t: Target, row: Row, users: ReadonlyMap<string, string | null>) {
    const names = await this.names(rc, [...row.mentions, ...row.teamMentions]);
    const text = commentPlainText(row.body, names);
    // Each in the language the recipient reads the app in.
    const languages = await readersLanguages(rc.db, rc.tenant.id, [...users.keys()]);
    for (const [userId, team] of users) {
      if (userId === rc.user.id) continue;
      const language = languages.get(userId) ?? 'en';
      const values = { name: rc.user.name, label: t.label, team: team ?? '' };
      await rc.notifications.send({
        userId,
        type: MENTION_TYPE,
        title: notificationText(language, team === null ? 'mention.you' : 'mention.team', values).slice(0, 200),
        body: text.length > 2000 ? `${text.slice(0, 1999)}…` : text,
        link: `${t.link}#comment-${row.id}`,
      });
    }
    return names;
  }

  private async load(rc: RequestContext, id: string): Promise<{ row: Row; t: Target }> {
    const rows = isUuid(id)
      ? await rc.db.query<Row>(`select ${COLUMNS} from ${FROM} where c.tenant_id = $1 and c.id = $2`, [
          rc.tenant.id,
          id,
        ])
      : [];
    const row = rows[0];
    if (!row || row.deletedAt) throw new NotFoundError('Comment');
    // The record must still be one the caller may see (else the comment does not exist for them).
    let t: Target;
    try {
      t = await this.target(rc, row.model, row.recordId);
    } catch (err) {
      if (err instanceof ValidationError) throw new NotFoundError('Comment');
      throw err;
    }
    return { row, t };
  }

  async create(rc: RequestContext, input: { model: string; recordId: string; body: string; parentId?: string | null }) {
    const t = await this.target(rc, input.model, input.recordId);
    const body = this.checkText(input.body);
    const parentId = input.parentId ?? null;
    if (parentId !== null) {
      const parent = isUuid(parentId)
        ? await rc.db.query<{ parent_id: string | null; deleted_at: string | null }>(
            `select parent_id, deleted_at from core_comment
             where tenant_id = $1 and id = $2 and model = $3 and record_id = $4`,
            [rc.tenant.id, parentId, t.model.name, t.row.id],
          )
        : [];
      const p = parent[0];
      const problem = !p
        ? 'must be a comment on the same record'
        : p.parent_id !== null
          ? 'replies go to a top-level comment (one level of replies)'
          : p.deleted_at !== null
            ? 'was deleted'
            : null;
      if (problem) throw new ValidationError('Invalid reply', [{ path: 'parentId', message: problem }]);
    }
    const mentions = await this.checkMentions(rc, t, body);
    const id = randomUUID();
    const [row] = await rc.db.query<Row>(
      `with c as (insert into core_comment (tenant_id, id, model, record_id, parent_id, author_id, body, mentions, team_mentions)
         values ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9::uuid[]) returning *)
       select ${COLUMNS} from c ${JOINS}`,
      [rc.tenant.id, id, t.model.name, t.row.id, parentId, rc.user.id, body, mentions.users, mentions.teams],
    );
    const r = row as Row;
    const names = await this.notify(rc, t, r, await this.reached(rc, t, mentions.users, mentions.teams));
    await rc.events.publish(CommentCreated, id, this.payload(t, r, names));
    return this.view(r, names);
  }

  /** 403 COMMENT_EDIT_WINDOW_PASSED once the company's window after the comment was written is over. */
  private checkWindow(row: Row, verb: 'edit' | 'delete') {
    if (row.inWindow) return;
    throw new AppError(
      'COMMENT_EDIT_WINDOW_PASSED',
      `This comment can no longer be ${verb === 'edit' ? 'edited' : 'deleted'}: its author could ${verb} it until ${new Date(row.editableUntil ?? row.createdAt).toISOString()}`,
      { status: 403, expose: true },
    );
  }

  /** The author edits their text within the window: marked edited; people newly mentioned are notified. */
  async update(rc: RequestContext, id: string, body: unknown) {
    const { row, t } = await this.load(rc, id);
    if (row.authorId !== rc.user.id) {
      throw new AppError('COMMENT_NOT_AUTHOR', 'Only the author can edit a comment', { status: 403 });
    }
    this.checkWindow(row, 'edit');
    const text = this.checkText(body);
    const mentions = await this.checkMentions(rc, t, text);
    const [updated] = await rc.db.query<Row>(
      `with c as (update core_comment set body = $3, mentions = $4::uuid[], team_mentions = $5::uuid[], edited_at = now()
         where tenant_id = $1 and id = $2 returning *)
       select ${COLUMNS} from c ${JOINS}`,
      [rc.tenant.id, id, text, mentions.users, mentions.teams],
    );
    const r = updated as Row;
    // Only those the edit reaches for the first time (by name or through a team).
    const before = await this.reached(rc, t, row.mentions, row.teamMentions);
    const now = await this.reached(rc, t, mentions.users, mentions.teams);
    for (const u of before.keys()) now.delete(u);
    const names = await this.notify(rc, t, r, now);
    await rc.events.publish(CommentUpdated, id, this.payload(t, r, names));
    return this.view(r, names);
  }

  /**
   * The author within the edit window, or a holder of `core.comments.moderate` at any time: the
   * text goes; a thread keeps its replies.
   */
  async remove(rc: RequestContext, id: string): Promise<void> {
    const { row, t } = await this.load(rc, id);
    if (!rc.can(MODERATE)) {
      if (row.authorId !== rc.user.id) throw new ForbiddenError(MODERATE);
      this.checkWindow(row, 'delete');
    }
    const [deleted] = await rc.db.query<Row>(
      `with c as (update core_comment set body = '', mentions = '{}', team_mentions = '{}', deleted_at = now()
         where tenant_id = $1 and id = $2 returning *)
       select ${COLUMNS} from c ${JOINS}`,
      [rc.tenant.id, id],
    );
    await rc.events.publish(CommentDeleted, id, this.payload(t, deleted as Row, new Map()));
  }

  /**
   * Who can be mentioned on a record: active users of the company who may read it, and the
   * company's teams (with how many of their members may read it: those are notified), matching
   * `q` (name or email, case-insensitive), by name. The caller must be able to read the record.
   */
  async mentionable(rc: RequestContext, modelName: unknown, recordId: unknown, q: string, limit: number) {
    const t = await this.target(rc, modelName, recordId);
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const candidates = await rc.db.query<{ id: string; name: string; email: string }>(
      `select id, name, email from core_user where tenant_id = $1 and active and (name ilike $2 or email ilike $2)
       order by lower(name), id limit 50`,
      [rc.tenant.id, like],
    );
    const readers = await this.readers(
      rc,
      t,
      candidates.map((c) => c.id),
    );
    const users: Mentionable[] = candidates
      .filter((c) => readers.get(c.id)?.canRead)
      .map((c) => ({ kind: 'user', id: c.id, name: c.name, email: c.email }));
    const teamRows = await rc.db.query<{ id: string; name: string; members: string[] }>(
      `select t.id, t.name, array(select m.user_id::text from core_team_member m
         where m.tenant_id = t.tenant_id and m.team_id = t.id) as members
       from core_team t where t.tenant_id = $1 and t.name ilike $2 order by lower(t.name), t.id limit 20`,
      [rc.tenant.id, like],
    );
    const memberReaders = await this.readers(rc, t, [...new Set(teamRows.flatMap((r) => r.members))]);
    const teams: Mentionable[] = teamRows.map((r) => ({
      kind: 'team',
      id: r.id,
      name: r.name,
      readers: r.members.filter((m) => memberReaders.get(m)?.canRead).length,
    }));
    const data = [...users, ...teams]
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id.localeCompare(b.id))
      .slice(0, limit);
    return { data, total_count: data.length, limit, offset: 0 };
  }

  /** The company's comment settings (any signed-in user may read them: the panel shows the window). */
  async settings(rc: RequestContext): Promise<{ editWindowMinutes: number }> {
    const rows = await rc.db.query<{ m: number }>(
      'select edit_window_minutes as m from core_comment_setting where tenant_id = $1',
      [rc.tenant.id],
    );
    return { editWindowMinutes: rows[0]?.m ?? DEFAULT_EDIT_WINDOW };
  }

  /** Admins (`core.settings.manage`) set the edit window: whole minutes, 0 = no limit. */
  async putSettings(rc: RequestContext, body: unknown): Promise<{ editWindowMinutes: number }> {
    rc.require(SETTINGS);
    const b =
      body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const m = b.editWindowMinutes;
    const ok = typeof m === 'number' && Number.isInteger(m) && m >= 0 && m <= MAX_EDIT_WINDOW;
    const extra = Object.keys(b).filter((k) => k !== 'editWindowMinutes');
    if (!ok || extra.length) {
      throw new ValidationError('Invalid comment settings', [
        ...(ok
          ? []
          : [
              {
                path: 'editWindowMinutes',
                message: `must be a whole number of minutes from 0 (no limit) to ${MAX_EDIT_WINDOW}`,
              },
            ]),
        ...extra.map((k) => ({ path: k, message: 'is not allowed' })),
      ]);
    }
    await rc.db.query(
      `insert into core_comment_setting (tenant_id, edit_window_minutes) values ($1, $2)
       on conflict (tenant_id) do update set edit_window_minutes = excluded.edit_window_minutes, updated_at = now()`,
      [rc.tenant.id, m],
    );
    return { editWindowMinutes: m };
  }
}

/** Someone or a team that can be mentioned on a record. */
export type Mentionable =
  | { kind: 'user'; id: string; name: string; email: string }
  | { kind: 'team'; id: string; name: string; readers: number };

const services = new WeakMap<readonly AnyAddon[], CommentService>();

/** One service per installed addon list (the kernel has one). */
export function commentService(addons: readonly AnyAddon[]): CommentService {
  let s = services.get(addons);
  if (!s) {
    s = new CommentService(addons);
    services.set(addons, s);
  }
  return s;
}
