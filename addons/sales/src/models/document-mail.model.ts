import { defineModel, f, type Row } from '@elevate/sdk';

/**
 * A quote or invoice PDF sent to the customer by email: the document's timeline entry (who and
 * when: the audit fields). `record` names the quote or invoice; it is read only through the
 * quote's or invoice's own check (record rules), never listed on its own.
 */
export const DocumentMail = defineModel({
  name: 'sales.document_mail',
  access: 'sales.invoice',
  fields: {
    model: f.enum(['sales.quote', 'sales.invoice'] as const, { required: true }),
    recordId: f.uuid({ required: true }),
    to: f.string({ required: true, max: 320, personal: true }),
    subject: f.string({ required: true, max: 200 }),
    /** The PDF version attached (core document id) and the platform's mail log entry. */
    documentId: f.uuid({ required: true }),
    mailId: f.uuid({ required: true }),
  },
  // The recipient's address is theirs: exported, and erased (the entry stays, "[erased]").
  privacy: { subject: 'to', erase: 'anonymise' },
  indexes: [['model', 'recordId']],
});

export type DocumentMailRow = Row<typeof DocumentMail>;
