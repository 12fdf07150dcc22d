import type { GraphQLBuilder } from '@elevate/sdk';
import {
  type Duplicate,
  type DuplicatePair,
  duplicatePairs,
  duplicatesOf,
  mergeContacts,
} from '../services/duplicates.service.ts';
import type { CrmTypes } from './types.graphql.ts';

export function duplicatesGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const { Contact } = types;

  const ContactDuplicate = b.objectRef<Duplicate>('ContactDuplicate').implement({
    fields: (t) => ({
      contact: t.field({ type: Contact, resolve: (d) => d.contact }),
      reason: t.exposeString('reason', { description: 'same_email or similar_name' }),
      score: t.exposeFloat('score', { description: '1 for the same email, else the name similarity' }),
    }),
  });
  const DuplicatePairRef = b.objectRef<DuplicatePair>('DuplicatePair').implement({
    fields: (t) => ({
      contact: t.field({ type: Contact, resolve: (d) => d.contact }),
      duplicate: t.field({ type: Contact, resolve: (d) => d.duplicate }),
      reason: t.exposeString('reason'),
      score: t.exposeFloat('score'),
    }),
  });

  b.queryField('contactDuplicates', (t) =>
    t.field({
      type: [ContactDuplicate],
      description: 'Contacts that look like duplicates of this one',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => {
        ctx.require('crm.contact.read');
        return duplicatesOf(ctx, String(args.id));
      },
    }),
  );
  b.queryField('duplicates', (t) =>
    t.field({
      type: [DuplicatePairRef],
      description: 'Likely duplicate pairs among the contacts the caller sees',
      args: { limit: t.arg.int({ defaultValue: 50 }) },
      resolve: (_r, args, ctx) => {
        ctx.require('crm.contact.read');
        return duplicatePairs(ctx, Math.min(Math.max(args.limit ?? 50, 1), 200));
      },
    }),
  );
  b.mutationField('mergeContacts', (t) =>
    t.field({
      type: Contact,
      description: 'Merges the duplicate into the surviving contact and deletes it',
      args: { id: t.arg.id({ required: true }), duplicateId: t.arg.id({ required: true }) },
      resolve: (_r, args, ctx) => {
        ctx.require('crm.contact.merge');
        return mergeContacts(ctx, String(args.id), String(args.duplicateId));
      },
    }),
  );
}
