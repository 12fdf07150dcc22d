import { defineAction, ValidationError } from '@elevate/sdk';
import { messages } from '../messages.ts';
import { createLead } from '../services/leads.service.ts';

const text = (title: string, maxLength: number) => ({ type: 'string', maxLength, title }) as const;

/**
 * Creates a lead as the rule's owner: with an inbound webhook trigger this is the website contact
 * form → lead path (`{{payload.email}}` and so on from the posted body). The lead service validates
 * and deduplicates as it does for the API; the new lead's events trigger rules of their own.
 */
export const createLeadAction = defineAction<
  {
    title: string;
    contactName?: string;
    companyName?: string;
    email?: string;
    phone?: string;
    source?: string;
    description?: string;
  },
  { leadId: string }
>({
  name: 'crm.create_lead',
  title: 'Create a lead',
  description: "Creates a lead owned by the rule's owner, e.g. from a website form posted to an inbound webhook.",
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['title'],
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 200, title: 'Title' },
      contactName: text('Contact name', 200),
      companyName: text('Company', 200),
      email: text('Email', 254),
      phone: text('Phone', 50),
      source: text('Source', 80),
      description: text('Description', 5000),
    },
  },
  result: { type: 'object', properties: { leadId: { type: 'string' } } },
  describe: (p, info) => messages.text(info.language, 'describe.crm.create_lead', { title: p.title }),
  async run(p, ctx) {
    const owner = await ctx.asOwner();
    // Blank values from a form are absent fields, not empty strings the lead would keep.
    const clean = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
    const email = clean(p.email);
    // The API checks the address's format by its schema; a posted form's value arrives here unchecked.
    if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      throw new ValidationError(`email: "${email.slice(0, 80)}" is not an email address`, [
        { path: 'email', message: 'not an email address' },
      ]);
    }
    const lead = await createLead(owner, {
      title: p.title.trim(),
      contactName: clean(p.contactName),
      companyName: clean(p.companyName),
      email,
      phone: clean(p.phone),
      source: clean(p.source),
      description: clean(p.description),
    });
    return { leadId: lead.id };
  },
});
