import type { AnyAddon, JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import type { KernelRouteDoc } from '../http/kernel-routes.docs.ts';
import type { State } from '../http/state.ts';
import { compileBody, compileQuery, obj } from '../http/validate.ts';
import { commentService, MODERATE, SETTINGS } from './comments.ts';

const USER: JsonSchema = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } },
};
export const COMMENT: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    model: { type: 'string' },
    recordId: { type: 'string', format: 'uuid' },
    parentId: { type: ['string', 'null'] },
    author: { ...USER, type: ['object', 'null'] },
    body: { type: 'string', description: 'markdown-light; mentions as <@user id>, teams as <@team:team id>' },
    html: { type: 'string', description: 'the text as safe HTML' },
    text: { type: 'string', description: 'the text with mentions as @Name' },
    mentions: { type: 'array', items: USER },
    teamMentions: { type: 'array', items: USER },
    editableUntil: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'until when the author may edit or delete it (null: no limit)',
    },
    editedAt: { type: ['string', 'null'], format: 'date-time' },
    deletedAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    replies: { type: 'array', items: { type: 'object' } },
  },
};
const MENTIONABLE: JsonSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['user', 'team'] },
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    email: { type: 'string', description: 'users only' },
    readers: { type: 'integer', description: 'teams only: members who may read the record (they are notified)' },
  },
};
const SETTINGS_DOC: JsonSchema = {
  type: 'object',
  properties: {
    editWindowMinutes: {
      type: 'integer',
      minimum: 0,
      maximum: 525600,
      description: 'minutes after writing a comment its author may edit or delete it (0: no limit; default 15)',
    },
  },
};
const PAGE = (item: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: {
    data: { type: 'array', items: item },
    total_count: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
});
// Shapes only: the text itself (empty, too long, control characters, mentions) is checked by the service.
const BODY = { type: 'string', maxLength: 20_000 };
const UUID = { type: 'string', maxLength: 36 };
const TARGET = {
  model: { type: 'string', minLength: 1, maxLength: 100 },
  recordId: UUID,
};

const listQuery = compileQuery({
  ...obj(['model', 'recordId'], {
    ...TARGET,
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  }),
});
const mentionQuery = compileQuery(
  obj(['model', 'recordId'], {
    ...TARGET,
    q: { type: 'string', maxLength: 100, default: '' },
    limit: { type: 'integer', minimum: 1, maximum: 20, default: 8 },
  }),
);
const createBody = compileBody(obj(['model', 'recordId', 'body'], { ...TARGET, body: BODY, parentId: UUID }));
const editBody = compileBody(obj(['body'], { body: BODY }));
// Shapes only; the service names the field (`editWindowMinutes`) for a bad value.
const settingsBody = compileBody({ type: 'object' });

const DOC_TARGET = 'The record must be one the caller may read (its read permission and record rules): else 403/404.';

export const commentRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/comments': {
    summary: `A record's comment threads, newest first, each with its replies (\`model\`, \`recordId\`). ${DOC_TARGET}`,
    responses: { 200: PAGE(COMMENT) },
  },
  'POST /api/v1/core/comments': {
    summary: `Comment on a record, or reply to a top-level comment (\`parentId\`); mentions (<@user id>) are notified. ${DOC_TARGET}`,
    body: obj(['model', 'recordId', 'body'], { ...TARGET, body: BODY, parentId: UUID }),
    responses: { 201: COMMENT },
  },
  'GET /api/v1/core/comments/mentionable': {
    summary:
      "Who can be mentioned on a record, matching `q`: active users of the company who may read it (`kind: user`) and the company's teams (`kind: team`)",
    responses: { 200: PAGE(MENTIONABLE) },
  },
  'GET /api/v1/core/comments/settings': {
    summary: "The company's comment settings (the author's edit/delete window)",
    responses: { 200: SETTINGS_DOC },
  },
  'PUT /api/v1/core/comments/settings': {
    summary: "Change the company's comment settings",
    permission: SETTINGS,
    body: SETTINGS_DOC,
    responses: { 200: SETTINGS_DOC },
  },
  'PATCH /api/v1/core/comments/:id': {
    summary: 'Edit your own comment (marked edited) within the edit window (403 COMMENT_EDIT_WINDOW_PASSED after it)',
    body: obj(['body'], { body: BODY }),
    responses: { 200: COMMENT },
  },
  'DELETE /api/v1/core/comments/:id': {
    summary: `Delete your own comment within the edit window, or anyone's at any time with ${MODERATE}`,
    responses: { 204: null },
  },
};

/** Comments on records of commentable models (docs/comments.md). */
export function commentRoutes(r: Router<State>, addons: readonly AnyAddon[]): void {
  const svc = commentService(addons);
  const rc = (s: State) => {
    if (!s.rc) throw new Error('comment route without request context');
    return s.rc;
  };

  r.get('/comments', async (ctx) => {
    const q = listQuery({ ...ctx.query }) as { model: string; recordId: string; limit: number; offset: number };
    ctx.body = await svc.list(rc(ctx.state), q.model, q.recordId, q);
  });

  r.get('/comments/mentionable', async (ctx) => {
    const q = mentionQuery({ ...ctx.query }) as { model: string; recordId: string; q: string; limit: number };
    ctx.body = await svc.mentionable(rc(ctx.state), q.model, q.recordId, q.q, q.limit);
  });

  r.get('/comments/settings', async (ctx) => {
    ctx.body = await svc.settings(rc(ctx.state));
  });

  r.put('/comments/settings', async (ctx) => {
    ctx.body = await svc.putSettings(rc(ctx.state), settingsBody(ctx.request.body));
  });

  r.post('/comments', async (ctx) => {
    const b = createBody(ctx.request.body) as { model: string; recordId: string; body: string; parentId?: string };
    ctx.status = 201;
    ctx.body = await svc.create(rc(ctx.state), b);
  });

  r.patch('/comments/:id', async (ctx) => {
    const b = editBody(ctx.request.body) as { body: string };
    ctx.body = await svc.update(rc(ctx.state), ctx.params.id as string, b.body);
  });

  r.delete('/comments/:id', async (ctx) => {
    await svc.remove(rc(ctx.state), ctx.params.id as string);
    ctx.status = 204;
  });
}
