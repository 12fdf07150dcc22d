import type { AnyModel, Row } from './model.ts';

/**
 * A model that takes comments (`defineAddon({ comments: [commentsOn(Contact, {...})] })`): the
 * platform stores threaded comments with @mentions on its records, under the record's own read
 * permission and record rules (who can read the record reads and writes its comments). See
 * docs/comments.md.
 */
export interface CommentableDef<M extends AnyModel = AnyModel> {
  readonly kind: 'commentable';
  readonly model: M;
  /** The record's page in the app (a path, e.g. `/crm/contacts/<id>`): mention notifications link there. */
  readonly link: (row: Row<M>) => string;
  /** How a person names the record in a notification ("Ada Lovelace", "Deal: 40 licences"). */
  readonly label: (row: Row<M>) => string;
}

export function commentsOn<M extends AnyModel>(
  model: M,
  opts: { link: (row: Row<M>) => string; label: (row: Row<M>) => string },
): CommentableDef<M> {
  return { kind: 'commentable', model, link: opts.link, label: opts.label };
}

export interface CommentUser {
  id: string;
  name: string;
}

/** One comment as the APIs answer it (a top-level comment carries its replies). */
export interface CommentInfo {
  id: string;
  model: string;
  recordId: string;
  /** The top-level comment this one replies to (one level of replies). */
  parentId: string | null;
  /** null once the author's account is gone. */
  author: CommentUser | null;
  /** The stored text: markdown-light, mentions as `<@user id>` and `<@team:team id>`. Empty once deleted. */
  body: string;
  /** The text rendered to safe HTML (`renderCommentHtml`). */
  html: string;
  /** The text with mentions as `@Name`. */
  text: string;
  /** Users mentioned by name. */
  mentions: CommentUser[];
  /** Teams mentioned (`@Sales`): their members who may read the record were notified. */
  teamMentions: CommentUser[];
  /**
   * Until when the author may edit or delete it (the company's edit window from `createdAt`,
   * computed by the server); null when the company sets no limit.
   */
  editableUntil: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  createdAt: string;
  replies?: CommentInfo[];
}

/** `ctx.comments`: comments of records the caller may read (a timeline, a summary). */
export interface Comments {
  /**
   * The newest comments (replies included, deleted left out) on these records of `model`,
   * newest first; records the caller may not read contribute nothing. FORBIDDEN without the
   * model's read permission.
   */
  recent(model: AnyModel, recordIds: readonly string[], limit: number): Promise<CommentInfo[]>;
  /**
   * Moves every comment of record `fromId` to record `toId` of the same model (a merge: the kept
   * record takes the comments of the one about to be deleted, which would otherwise take them
   * along). Mention notifications then link to `toId`'s page. Both records must be ones the
   * caller may read (NOT_FOUND otherwise). Returns how many comments moved.
   */
  move(model: AnyModel, fromId: string, toId: string): Promise<number>;
}
