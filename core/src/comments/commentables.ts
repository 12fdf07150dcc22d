import { type AnyAddon, type CommentableDef, defineEvent, defineTrigger, type JsonSchema } from '@elevate/sdk';

/** What every comment event carries (automation rules read it as `payload.*`). */
export interface CommentEventPayload {
  id: string;
  /** The commented record's model (`crm.contact`) and id. */
  model: string;
  recordId: string;
  parentId: string | null;
  authorId: string | null;
  /** The record's owner, when the model is owned: the live channel applies record rules with it. */
  ownerId: string | null;
  /** The permission guarding the record (`<model access>.read`): who may receive the event live. */
  permission: string;
  /** The text with mentions as `@Name` (empty when deleted). */
  text: string;
  /** Mentioned user ids (by name). */
  mentions: string[];
  /** Mentioned team ids. */
  teamMentions: string[];
  /** The record's page, with the comment's anchor. */
  link: string;
}

export const CommentCreated = defineEvent<CommentEventPayload>('core.comment.created');
export const CommentUpdated = defineEvent<CommentEventPayload>('core.comment.updated');
export const CommentDeleted = defineEvent<CommentEventPayload>('core.comment.deleted');
export const COMMENT_EVENT_PREFIX = 'core.comment.';

const PAYLOAD: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', title: 'Comment id' },
    model: { type: 'string', title: 'Model of the record' },
    recordId: { type: 'string', title: 'Record id' },
    parentId: { type: ['string', 'null'], title: 'Replied-to comment' },
    authorId: { type: 'string', title: 'Author' },
    ownerId: { type: ['string', 'null'], title: "Record's owner" },
    text: { type: 'string', title: 'Text' },
    mentions: { type: 'array', items: { type: 'string' }, title: 'Mentioned users' },
    teamMentions: { type: 'array', items: { type: 'string' }, title: 'Mentioned teams' },
    link: { type: 'string', title: 'Link' },
  },
};

/** The kernel's comment trigger for automation rules ("when someone comments ..."). */
export const commentCreatedTrigger = defineTrigger(CommentCreated, {
  title: 'A comment was written',
  description:
    'Someone commented on a record (or replied); payload.mentions lists the users mentioned, payload.teamMentions the teams.',
  payload: PAYLOAD,
});

export interface Commentable {
  addon: AnyAddon;
  def: CommentableDef;
}

const registries = new WeakMap<readonly AnyAddon[], ReadonlyMap<string, Commentable>>();

/** Every installed addon's commentable models, by model name. */
export function commentables(addons: readonly AnyAddon[]): ReadonlyMap<string, Commentable> {
  let map = registries.get(addons);
  if (!map) {
    map = new Map(addons.flatMap((addon) => addon.comments.map((def) => [def.model.name, { addon, def }] as const)));
    registries.set(addons, map);
  }
  return map;
}

/** Does a tenant with these addons enabled have any commentable model? */
export function anyCommentable(addons: readonly AnyAddon[], enabled: ReadonlySet<string>): boolean {
  return addons.some((a) => enabled.has(a.id) && a.comments.length > 0);
}
