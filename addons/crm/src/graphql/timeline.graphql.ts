import type { GraphQLBuilder } from '@elevate/sdk';
import {
  type Contact360,
  contact360,
  DEFAULT_TIMELINE,
  type SourcedEntry,
  type SourcedPanel,
} from '../services/timeline.service.ts';
import type { CrmTypes } from './types.graphql.ts';

/** The 360° view: `contact360(id)` with the timeline and panels other enabled addons contribute. */
export function timelineGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const { Contact } = types;

  const TimelineEntry = b.objectRef<SourcedEntry>('TimelineEntry').implement({
    description: 'Something that happened with a contact, from crm or another enabled addon',
    fields: (t) => ({
      id: t.exposeID('id', { description: 'Unique within the addon' }),
      addon: t.exposeString('addon', { description: 'The addon the entry comes from' }),
      type: t.exposeString('type', { description: 'e.g. crm.activity, crm.opportunity.won, sales.order' }),
      at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
      title: t.exposeString('title', { description: 'In English; titleKey is its translation key' }),
      titleKey: t.string({
        nullable: true,
        description: "The title's key in the contributing addon's web catalogue",
        resolve: (e) => e.titleKey ?? null,
      }),
      titleValues: t.field({
        type: 'JSON',
        description: "The values of the title's message",
        resolve: (e) => e.titleValues ?? {},
      }),
      body: t.string({ nullable: true, resolve: (e) => e.body ?? null }),
      href: t.string({ nullable: true, resolve: (e) => e.href ?? null }),
      meta: t.field({ type: 'JSON', resolve: (e) => e.meta ?? {} }),
    }),
  });

  const PanelItem = b.objectRef<{ label: string; value: string }>('ContactPanelItem').implement({
    fields: (t) => ({ label: t.exposeString('label'), value: t.exposeString('value') }),
  });

  const ContactPanel = b.objectRef<SourcedPanel>('ContactPanel').implement({
    description: 'A block of facts another addon shows on the contact 360° view',
    fields: (t) => ({
      id: t.exposeID('id'),
      addon: t.exposeString('addon'),
      title: t.exposeString('title'),
      items: t.field({ type: [PanelItem], resolve: (p) => p.items }),
    }),
  });

  const Contact360Ref = b.objectRef<Contact360>('Contact360').implement({
    fields: (t) => ({
      contact: t.field({ type: Contact, resolve: (v) => v.contact }),
      company: t.field({ type: Contact, nullable: true, resolve: (v) => v.company }),
      people: t.field({
        type: [Contact],
        description: "A company's people (empty for a person)",
        resolve: (v) => v.people,
      }),
      timeline: t.field({ type: [TimelineEntry], description: 'Newest first', resolve: (v) => v.timeline }),
      panels: t.field({ type: [ContactPanel], resolve: (v) => v.panels }),
    }),
  });

  b.queryField('contact360', (t) =>
    t.field({
      type: Contact360Ref,
      nullable: true,
      description: 'A contact with its company or people, timeline and panels; null when the contact is not visible',
      args: {
        id: t.arg.id({ required: true }),
        limit: t.arg.int({ defaultValue: DEFAULT_TIMELINE, description: 'Timeline entries, at most 200' }),
      },
      resolve: (_root, args, ctx) => contact360(ctx, String(args.id), args.limit ?? DEFAULT_TIMELINE),
    }),
  );
}
