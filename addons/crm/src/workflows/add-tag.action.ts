import { defineAction, entitySchemaOf, NotFoundError, rowOf } from '@elevate/sdk';
import { ContactUpdated } from '../events.ts';
import { messages } from '../messages.ts';
import { Contact } from '../models/contact.model.ts';
import { Tag } from '../models/tag.model.ts';
import { sameText } from '../services/tags.service.ts';
import { crmRecord } from './record-of.ts';

const TagEntity = entitySchemaOf(Tag);

/** Tags the trigger's contact (or the contact of its lead or opportunity), creating the tag if needed. */
export const addTagAction = defineAction<{ tag: string }, { tagId: string; contactId: string; added: boolean }>({
  name: 'crm.add_tag',
  title: 'Add a tag',
  description:
    'Adds a tag (made if it does not exist) to the contact the rule is about, or to the contact of its lead or opportunity.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['tag'],
    properties: { tag: { type: 'string', minLength: 1, maxLength: 60, title: 'Tag' } },
  },
  result: {
    type: 'object',
    properties: { tagId: { type: 'string' }, contactId: { type: 'string' }, added: { type: 'boolean' } },
  },
  describe: (p, info) => messages.text(info.language, 'describe.crm.add_tag', { tag: p.tag }),
  async run(p, ctx) {
    const { model, id, record } = crmRecord(ctx, ['crm.contact', 'crm.lead', 'crm.opportunity'], 'tag');
    const contactId = model === 'crm.contact' ? id : (record.contact as string | null);
    if (!contactId) throw new NotFoundError('The record has no contact to tag');
    const owner = await ctx.asOwner();
    const contacts = await owner.scoped(Contact, 'crm.contact.write');
    const contact = await contacts.get(contactId);
    if (!contact) throw new NotFoundError('Contact');
    const name = p.tag.trim();
    const found = await owner.em.findOne(TagEntity, { name: sameText(name) }, { disableIdentityMap: true });
    const tagId = found ? (rowOf(Tag, found) as { id: string }).id : (await owner.db.repo(Tag).insert({ name })).id;
    const added = await owner.db.query<{ tag_id: string }>(
      `insert into crm_contact_tag (tenant_id, contact_id, tag_id, created_by) values ($1, $2, $3, $4)
       on conflict do nothing returning tag_id`,
      [ctx.tenant.id, contactId, tagId, owner.user.id],
    );
    if (added.length) {
      await ctx.events.publish(ContactUpdated, contactId, {
        id: contactId,
        title: contact.name,
        ownerId: contact.ownerId,
        changes: ['tags'],
      });
    }
    return { tagId, contactId, added: added.length > 0 };
  },
});
