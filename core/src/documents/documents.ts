import { createHash, randomUUID } from 'node:crypto';
import {
  type BusinessDocument,
  type DocumentKind,
  type DocumentLink,
  type Documents,
  type StoredDocument,
  type TenantInfo,
  ValidationError,
} from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import { compileBody } from '../http/validate.ts';
import { businessDocumentSchema } from './document.schema.ts';
import { assertMoney } from './format.ts';
import { LINK_DEFAULT_SEC, LINK_MAX_SEC, signLink } from './links.ts';
import { renderPdf } from './render.ts';
import { resolveTemplate } from './templates.ts';

const checkDocument = compileBody(businessDocumentSchema);
const MODEL = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/** Validates the model, including every money value against the currency's minor units. */
export function validDocument(input: unknown): BusinessDocument {
  const doc = checkDocument(input) as BusinessDocument;
  const t = doc.totals;
  assertMoney(
    [
      ...doc.lines.flatMap(
        (l, i) =>
          [
            [`lines.${i}.unitPrice`, l.unitPrice],
            [`lines.${i}.total`, l.total],
          ] as [string, string | undefined][],
      ),
      ...(doc.taxSummary ?? []).flatMap(
        (r, i) =>
          [
            [`taxSummary.${i}.base`, r.base],
            [`taxSummary.${i}.amount`, r.amount],
          ] as [string, string | undefined][],
      ),
      ...(t
        ? (['subtotal', 'discount', 'tax', 'total', 'paid', 'due'] as const).map(
            (k) => [`totals.${k}`, t[k]] as [string, string | undefined],
          )
        : []),
    ],
    doc.currency,
  );
  return doc;
}

export async function renderFor(tx: TenantTx, tenant: TenantInfo, input: unknown): Promise<Buffer> {
  const doc = validDocument(input);
  const { template, seller } = await resolveTemplate(tx, doc.kind, tenant.name);
  return renderPdf(doc, template, doc.seller ?? seller);
}

type Row = {
  id: string;
  kind: DocumentKind;
  number: string;
  filename: string;
  record_model: string;
  record_id: string;
  size: number;
  sha256: string;
  created_at: Date;
};
const COLS = 'id, kind, number, filename, record_model, record_id, size, sha256, created_at';
const stored = (r: Row): StoredDocument => ({
  id: r.id,
  kind: r.kind,
  number: r.number,
  filename: r.filename,
  record: { model: r.record_model, id: r.record_id },
  size: r.size,
  sha256: r.sha256,
  createdAt: new Date(r.created_at).toISOString(),
});

function checkRecord(record: { model: string; id: string }): void {
  const details = [];
  if (typeof record?.model !== 'string' || !MODEL.test(record.model) || record.model.length > 100) {
    details.push({ path: 'record.model', message: 'must be a model name like "sales.invoice"' });
  }
  if (typeof record?.id !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(record.id)) {
    details.push({ path: 'record.id', message: 'must be a record id' });
  }
  if (details.length) throw new ValidationError('Invalid record', details);
}

const fileName = (doc: BusinessDocument) =>
  `${doc.kind}-${doc.number.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '')}.pdf`.slice(0, 200);

/** `ctx.documents`: rendering, attaching and linking in the context's transaction. */
export function documentsFor(
  tx: TenantTx,
  tenant: TenantInfo,
  deps: { publicUrl: string; jwtSecret: string },
  actorId: string | null,
): Documents {
  const get = async (id: string): Promise<StoredDocument | null> => {
    if (!isUuid(id)) return null;
    const rows = await tx.query<Row>(`select ${COLS} from core_document where tenant_id = $1 and id = $2`, [
      tx.tenantId,
      id,
    ]);
    return rows[0] ? stored(rows[0]) : null;
  };
  return {
    render: (doc) => renderFor(tx, tenant, doc),
    get,
    async attach(record, input) {
      checkRecord(record);
      const doc = validDocument(input);
      const pdf = await renderFor(tx, tenant, doc);
      const rows = await tx.query<Row>(
        `insert into core_document (tenant_id, id, kind, number, record_model, record_id, filename, content, size, sha256, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning ${COLS}`,
        [
          tx.tenantId,
          randomUUID(),
          doc.kind,
          doc.number,
          record.model,
          record.id,
          fileName(doc),
          pdf,
          pdf.length,
          createHash('sha256').update(pdf).digest('hex'),
          actorId && isUuid(actorId) ? actorId : null,
        ],
      );
      return stored(rows[0] as Row);
    },
    async list(record) {
      checkRecord(record);
      const rows = await tx.query<Row>(
        `select ${COLS} from core_document where tenant_id = $1 and record_model = $2 and record_id = $3 order by created_at desc, id`,
        [tx.tenantId, record.model, record.id],
      );
      return rows.map(stored);
    },
    async link(id, opts = {}): Promise<DocumentLink> {
      const sec = opts.expiresInSec ?? LINK_DEFAULT_SEC;
      if (!Number.isInteger(sec) || sec < 1 || sec > LINK_MAX_SEC) {
        throw new ValidationError('Invalid link lifetime', [
          { path: 'expiresInSec', message: `must be a whole number of seconds from 1 to ${LINK_MAX_SEC}` },
        ]);
      }
      if (!(await get(id)))
        throw new ValidationError('No such document', [{ path: 'id', message: 'names no document of this company' }]);
      const exp = Math.floor(Date.now() / 1000) + sec;
      return {
        url: `${deps.publicUrl}/api/v1/core/documents/file/${signLink(deps.jwtSecret, tx.tenantId, id, exp)}`,
        expiresAt: new Date(exp * 1000).toISOString(),
      };
    },
  };
}

/** The bytes of a stored document (for the download route), read under the tenant's RLS. */
export async function documentContent(tx: TenantTx, id: string): Promise<{ filename: string; content: Buffer } | null> {
  const rows = await tx.query<{ filename: string; content: Buffer }>(
    'select filename, content from core_document where tenant_id = $1 and id = $2',
    [tx.tenantId, id],
  );
  return rows[0] ?? null;
}
