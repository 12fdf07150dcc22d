import type { AnyAddon, CommentInfo, CommentUser, ElevateSchemaTypes } from '@elevate/sdk';
import type SchemaBuilder from '@pothos/core';
import { commentService, type Mentionable } from './comments.ts';

type Builder = InstanceType<typeof SchemaBuilder<ElevateSchemaTypes>>;

/**
 * Comments in the GraphQL schema of a company with at least one commentable model enabled: the
 * same service, rules and errors as REST (`/api/v1/core/comments`).
 */
export function commentsGraphql(b: Builder, addons: readonly AnyAddon[]): void {
  const svc = commentService(addons);
  const User = b.objectRef<CommentUser>('CommentUser').implement({
    fields: (t) => ({ id: t.exposeID('id'), name: t.exposeString('name') }),
  });
  const Comment = b.objectRef<CommentInfo>('Comment');
  Comment.implement({
    description: 'A comment on a record (markdown-light text; mentions as <@user id> in `body`)',
    fields: (t) => ({
      id: t.exposeID('id'),
      model: t.exposeString('model'),
      recordId: t.exposeID('recordId'),
      parentId: t.exposeID('parentId', { nullable: true }),
      author: t.field({ type: User, nullable: true, resolve: (c) => c.author }),
      body: t.exposeString('body'),
      html: t.exposeString('html', { description: 'the text as safe HTML' }),
      text: t.exposeString('text', { description: 'the text with mentions as @Name' }),
      mentions: t.field({ type: [User], resolve: (c) => c.mentions }),
      teamMentions: t.field({ type: [User], resolve: (c) => c.teamMentions }),
      editableUntil: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'until when the author may edit or delete it (null: no limit)',
        resolve: (c) => c.editableUntil,
      }),
      editedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.editedAt }),
      deletedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.deletedAt }),
      createdAt: t.field({ type: 'DateTime', resolve: (c) => c.createdAt }),
      replies: t.field({ type: [Comment], resolve: (c) => c.replies ?? [] }),
    }),
  });
  const Kind = b.enumType('MentionableKind', { values: ['user', 'team'] as const });
  const MentionableRef = b.objectRef<Mentionable>('Mentionable').implement({
    description: 'A user or a team that can be mentioned on a record',
    fields: (t) => ({
      kind: t.field({ type: Kind, resolve: (m) => m.kind }),
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      email: t.string({ nullable: true, resolve: (m) => (m.kind === 'user' ? m.email : null) }),
      readers: t.int({
        nullable: true,
        description: 'teams: members who may read the record (they are notified)',
        resolve: (m) => (m.kind === 'team' ? m.readers : null),
      }),
    }),
  });
  const Page = b.objectRef<{ data: CommentInfo[]; total_count: number }>('CommentPage').implement({
    fields: (t) => ({
      nodes: t.field({ type: [Comment], resolve: (p) => p.data }),
      totalCount: t.exposeInt('total_count'),
    }),
  });
  const Input = b.inputType('AddCommentInput', {
    fields: (t) => ({
      model: t.string({ required: true }),
      recordId: t.id({ required: true }),
      body: t.string({ required: true }),
      parentId: t.id(),
    }),
  });
  b.queryFields((t) => ({
    comments: t.field({
      type: Page,
      description: "A record's comment threads, newest first, with their replies",
      args: {
        model: t.arg.string({ required: true }),
        recordId: t.arg.id({ required: true }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
      },
      resolve: (_r, a, ctx) =>
        svc.list(ctx, a.model, String(a.recordId), {
          limit: Math.max(1, Math.min(200, a.limit ?? 50)),
          offset: Math.max(0, a.offset ?? 0),
        }),
    }),
    mentionable: t.field({
      type: [MentionableRef],
      description: "Users who may read a record and the company's teams, matching `q`, by name",
      args: {
        model: t.arg.string({ required: true }),
        recordId: t.arg.id({ required: true }),
        q: t.arg.string({ defaultValue: '' }),
      },
      resolve: async (_r, a, ctx) =>
        (await svc.mentionable(ctx, a.model, String(a.recordId), (a.q ?? '').slice(0, 100), 8)).data,
    }),
    mentionableUsers: t.field({
      type: [User],
      description: 'Users who can be mentioned on a record (they may read it), matching `q`',
      args: {
        model: t.arg.string({ required: true }),
        recordId: t.arg.id({ required: true }),
        q: t.arg.string({ defaultValue: '' }),
      },
      resolve: async (_r, a, ctx) =>
        (await svc.mentionable(ctx, a.model, String(a.recordId), (a.q ?? '').slice(0, 100), 20)).data
          .filter((m) => m.kind === 'user')
          .slice(0, 8),
    }),
  }));
  b.mutationFields((t) => ({
    addComment: t.field({
      type: Comment,
      args: { input: t.arg({ type: Input, required: true }) },
      resolve: (_r, { input }, ctx) =>
        svc.create(ctx, {
          model: input.model,
          recordId: String(input.recordId),
          body: input.body,
          parentId: input.parentId == null ? null : String(input.parentId),
        }),
    }),
    editComment: t.field({
      type: Comment,
      args: { id: t.arg.id({ required: true }), body: t.arg.string({ required: true }) },
      resolve: (_r, a, ctx) => svc.update(ctx, String(a.id), a.body),
    }),
    deleteComment: t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, a, ctx) => {
        await svc.remove(ctx, String(a.id));
        return true;
      },
    }),
  }));
}
