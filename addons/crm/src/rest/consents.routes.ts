import { type Page, type RestRouter, ValidationError } from '@elevate/sdk';
import { CONSENT_PURPOSES, Consent } from '../models/consent.model.ts';
import type { permissions } from '../permissions.ts';
import { requireContact } from '../services/contacts.service.ts';
import { page, schemaOf } from './responses.ts';

interface ConsentInput {
  granted: boolean;
  source: string;
  purpose?: (typeof CONSENT_PURPOSES)[number];
  givenAt?: string;
}

/** A contact's consent records (marketing opt-in/out with source and time): append-only, newest first. */
export function consentRoutes(r: RestRouter<typeof permissions>): void {
  r.get<{ id: string }>(
    '/contacts/:id/consents',
    {
      permission: 'crm.contact.read',
      summary: "A contact's consent records, newest first",
      responses: { 200: page(schemaOf(Consent)) },
    },
    async ({ params, ctx }): Promise<Page<Record<string, unknown>>> => {
      const contact = await requireContact(ctx, params.id);
      const rows = await ctx.db.repo(Consent).find({
        where: { contact: contact.id },
        orderBy: [
          { field: 'givenAt', dir: 'desc' },
          { field: 'createdAt', dir: 'desc' },
        ],
        limit: 500,
      });
      return { data: rows, total_count: rows.length, limit: 500, offset: 0 };
    },
  );

  r.post<{ id: string }, ConsentInput>(
    '/contacts/:id/consents',
    {
      permission: 'crm.contact.write',
      summary: 'Record a consent (opt-in or opt-out) for the contact, with its source and time',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['granted', 'source'],
        properties: {
          granted: { type: 'boolean' },
          source: { type: 'string', minLength: 1, maxLength: 120 },
          purpose: { type: 'string', enum: [...CONSENT_PURPOSES] },
          givenAt: { type: 'string', format: 'date-time' },
        },
      },
      responses: { 201: schemaOf(Consent) },
    },
    async ({ params, body, ctx }) => {
      const contact = await requireContact(ctx, params.id);
      if (!contact.email) {
        throw new ValidationError('The contact has no email address', [
          { path: 'email', message: 'the contact needs an email address to record consent for' },
        ]);
      }
      const givenAt = body.givenAt ?? new Date().toISOString();
      if (Date.parse(givenAt) > Date.now() + 60_000) {
        throw new ValidationError('Consent in the future', [{ path: 'givenAt', message: 'must not be in the future' }]);
      }
      const row = await ctx.db.repo(Consent).insert({
        contact: contact.id,
        email: contact.email,
        purpose: body.purpose ?? 'marketing',
        granted: body.granted,
        source: body.source.trim(),
        givenAt,
      });
      return { status: 201, body: row };
    },
  );
}
