import type { AnyAddon, JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import type { KernelRouteDoc } from '../http/kernel-routes.docs.ts';
import type { State } from '../http/state.ts';
import { compileBody, compileQuery, obj } from '../http/validate.ts';
import { commentService, MODERATE } from './comments.ts';

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
    body: { type: 'string', description: 'markdown-light; mentions as <@user id>' },
    html: { type: 'string', description: 'the text as safe HTML' },
    text: { type: 'string', description: 'the text with mentions as @Name' },
    mentions: { type: 'array', items: USER },
    editedAt: { type: ['string', 'null'], format: 'date-time' },
    deletedAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    replies: { type: 'array', items: { type: 'object' } },
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
    summary: 'Users who can be mentioned on a record: active users of the company who may read it, matching `q`',
    responses: { 200: PAGE(USER) },
  },
  'PATCH /api/v1/core/comments/:id': {
    summary: 'Edit your own comment (marked edited)',
    body: obj(['body'], { body: BODY }),
    responses: { 200: COMMENT },
  },
  'DELETE /api/v1/core/comments/:id': {
    summary: `Delete your own comment, or anyone's with ${MODERATE}`,
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
