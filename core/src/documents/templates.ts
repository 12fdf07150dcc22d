import {
  DOCUMENT_COLUMNS,
  DOCUMENT_KINDS,
  type DocumentColumn,
  type DocumentKind,
  type DocumentParty,
  type ErrorDetail,
  NotFoundError,
  ValidationError,
} from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';
import { readBranding, validateBranding } from '../tenancy/branding.ts';
import type { ResolvedTemplate } from './render.ts';

/** A tenant's template for one kind, as stored: null means "the default". */
export interface DocumentTemplate {
  kind: DocumentKind;
  title: string | null;
  accentColor: string | null;
  /** A data URL (PNG or JPEG to be drawn); null: the branding logo. */
  logo: string | null;
  showLogo: boolean;
  columns: DocumentColumn[] | null;
  footerText: string | null;
  defaultNotes: string | null;
}

/** The company block and legal footer printed on every document. */
export interface DocumentProfile {
  legalName: string | null;
  address: string[];
  email: string | null;
  phone: string | null;
  taxId: string | null;
  legalFooter: string | null;
}

export const DEFAULT_COLUMNS: Record<DocumentKind, DocumentColumn[]> = {
  quote: ['quantity', 'unit', 'unitPrice', 'discount', 'taxes', 'total'],
  invoice: ['quantity', 'unit', 'unitPrice', 'discount', 'taxes', 'total'],
  delivery: ['quantity', 'unit'],
};
const DEFAULT_ACCENT = '#4f46e5';
const COLOR = /^#[0-9a-fA-F]{6}$/;

export function isKind(v: string): v is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(v);
}
export function kindOrThrow(v: string): DocumentKind {
  if (!isKind(v)) throw new NotFoundError('Document template');
  return v;
}

const empty = (kind: DocumentKind): DocumentTemplate => ({
  kind,
  title: null,
  accentColor: null,
  logo: null,
  showLogo: true,
  columns: null,
  footerText: null,
  defaultNotes: null,
});

type TemplateRow = {
  kind: DocumentKind;
  title: string | null;
  accent_color: string | null;
  logo: string | null;
  show_logo: boolean;
  columns: DocumentColumn[] | null;
  footer_text: string | null;
  default_notes: string | null;
};

export async function readTemplates(tx: TenantTx): Promise<DocumentTemplate[]> {
  const rows = await tx.query<TemplateRow>('select * from core_document_template where tenant_id = $1', [tx.tenantId]);
  return DOCUMENT_KINDS.map((kind) => {
    const r = rows.find((x) => x.kind === kind);
    return r
      ? {
          kind,
          title: r.title,
          accentColor: r.accent_color,
          logo: r.logo,
          showLogo: r.show_logo,
          columns: r.columns,
          footerText: r.footer_text,
          defaultNotes: r.default_notes,
        }
      : empty(kind);
  });
}

function text(
  body: Record<string, unknown>,
  key: string,
  max: number,
  details: ErrorDetail[],
): string | null | undefined {
  if (!(key in body)) return undefined;
  const v = body[key];
  if (v === null) return null;
  if (typeof v !== 'string' || v.length > max) {
    details.push({ path: key, message: `must be text of at most ${max} characters, or null` });
    return undefined;
  }
  return v.trim() === '' ? null : v;
}

/** Changes only the fields given; 400 naming each bad one. */
export async function writeTemplate(tx: TenantTx, kind: DocumentKind, input: unknown): Promise<DocumentTemplate> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('Send the template as a JSON object', [{ path: '', message: 'must be an object' }]);
  }
  const body = input as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  const allowed = ['title', 'accentColor', 'logo', 'showLogo', 'columns', 'footerText', 'defaultNotes'];
  for (const k of Object.keys(body)) if (!allowed.includes(k)) details.push({ path: k, message: 'is not allowed' });
  const current = (await readTemplates(tx)).find((t) => t.kind === kind) ?? empty(kind);
  const next: DocumentTemplate = { ...current };
  const title = text(body, 'title', 80, details);
  if (title !== undefined) next.title = title;
  const footer = text(body, 'footerText', 2000, details);
  if (footer !== undefined) next.footerText = footer;
  const notes = text(body, 'defaultNotes', 4000, details);
  if (notes !== undefined) next.defaultNotes = notes;
  if ('accentColor' in body) {
    const c = body.accentColor;
    if (c === null) next.accentColor = null;
    else if (typeof c === 'string' && COLOR.test(c)) next.accentColor = c.toLowerCase();
    else details.push({ path: 'accentColor', message: 'must be a colour like #4f46e5, or null' });
  }
  if ('showLogo' in body) {
    if (typeof body.showLogo === 'boolean') next.showLogo = body.showLogo;
    else details.push({ path: 'showLogo', message: 'must be true or false' });
  }
  if ('logo' in body) {
    if (body.logo === null) next.logo = null;
    else if (typeof body.logo === 'string' && /^data:image\/(png|jpeg);/.test(body.logo)) {
      try {
        next.logo = validateBranding({ logo: body.logo }).logo ?? null;
      } catch (err) {
        details.push(...((err as ValidationError).details ?? []));
      }
    } else details.push({ path: 'logo', message: 'must be a PNG or JPEG image as a base64 data URL, or null' });
  }
  if ('columns' in body) {
    const cols = body.columns;
    if (cols === null) next.columns = null;
    else if (
      !Array.isArray(cols) ||
      cols.length > DOCUMENT_COLUMNS.length ||
      !cols.every((c) => (DOCUMENT_COLUMNS as readonly unknown[]).includes(c)) ||
      new Set(cols).size !== cols.length
    ) {
      details.push({
        path: 'columns',
        message: `must list distinct columns of ${DOCUMENT_COLUMNS.join(', ')}, or null`,
      });
    } else next.columns = DOCUMENT_COLUMNS.filter((c) => cols.includes(c));
  }
  if (details.length) throw new ValidationError('Invalid document template', details);
  await tx.query(
    `insert into core_document_template (tenant_id, kind, title, accent_color, logo, show_logo, columns, footer_text, default_notes)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (tenant_id, kind) do update set title = excluded.title, accent_color = excluded.accent_color,
       logo = excluded.logo, show_logo = excluded.show_logo, columns = excluded.columns,
       footer_text = excluded.footer_text, default_notes = excluded.default_notes, updated_at = now()`,
    [
      tx.tenantId,
      kind,
      next.title,
      next.accentColor,
      next.logo,
      next.showLogo,
      next.columns,
      next.footerText,
      next.defaultNotes,
    ],
  );
  return next;
}

export async function readProfile(tx: TenantTx): Promise<DocumentProfile> {
  const rows = await tx.query<{
    legal_name: string | null;
    address: string[];
    email: string | null;
    phone: string | null;
    tax_id: string | null;
    legal_footer: string | null;
  }>('select * from core_document_profile where tenant_id = $1', [tx.tenantId]);
  const r = rows[0];
  return {
    legalName: r?.legal_name ?? null,
    address: r?.address ?? [],
    email: r?.email ?? null,
    phone: r?.phone ?? null,
    taxId: r?.tax_id ?? null,
    legalFooter: r?.legal_footer ?? null,
  };
}

export async function writeProfile(tx: TenantTx, input: unknown): Promise<DocumentProfile> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('Send the profile as a JSON object', [{ path: '', message: 'must be an object' }]);
  }
  const body = input as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  const allowed = ['legalName', 'address', 'email', 'phone', 'taxId', 'legalFooter'];
  for (const k of Object.keys(body)) if (!allowed.includes(k)) details.push({ path: k, message: 'is not allowed' });
  const next = await readProfile(tx);
  const set = (key: 'legalName' | 'email' | 'phone' | 'taxId' | 'legalFooter', max: number) => {
    const v = text(body, key, max, details);
    if (v !== undefined) next[key] = v;
  };
  set('legalName', 200);
  set('email', 320);
  set('phone', 50);
  set('taxId', 50);
  set('legalFooter', 2000);
  if ('address' in body) {
    const a = body.address;
    if (!Array.isArray(a) || a.length > 8 || !a.every((l) => typeof l === 'string' && l.length <= 200)) {
      details.push({ path: 'address', message: 'must be up to 8 lines of at most 200 characters' });
    } else next.address = a.map((l: string) => l.trim()).filter(Boolean);
  }
  if (details.length) throw new ValidationError('Invalid document profile', details);
  await tx.query(
    `insert into core_document_profile (tenant_id, legal_name, address, email, phone, tax_id, legal_footer)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (tenant_id) do update set legal_name = excluded.legal_name, address = excluded.address,
       email = excluded.email, phone = excluded.phone, tax_id = excluded.tax_id,
       legal_footer = excluded.legal_footer, updated_at = now()`,
    [tx.tenantId, next.legalName, next.address, next.email, next.phone, next.taxId, next.legalFooter],
  );
  return next;
}

/** PNG or JPEG bytes of a data URL; null for anything pdfkit cannot draw (SVG, WebP). */
function imageBytes(dataUrl: string | null): Buffer | null {
  const m = dataUrl ? /^data:image\/(png|jpeg);base64,(.+)$/.exec(dataUrl) : null;
  return m?.[2] ? Buffer.from(m[2], 'base64') : null;
}

/** The template for a kind with the tenant's branding and profile applied. */
export async function resolveTemplate(
  tx: TenantTx,
  kind: DocumentKind,
  tenantName: string,
): Promise<{ template: ResolvedTemplate; seller: DocumentParty }> {
  const [templates, branding, profile] = await Promise.all([readTemplates(tx), readBranding(tx), readProfile(tx)]);
  const t = templates.find((x) => x.kind === kind) ?? empty(kind);
  const footer = [t.footerText, profile.legalFooter].filter((s): s is string => !!s);
  return {
    template: {
      title: t.title,
      accent: t.accentColor ?? branding.primaryColor ?? DEFAULT_ACCENT,
      logo: t.showLogo ? imageBytes(t.logo ?? branding.logo) : null,
      columns: t.columns ?? DEFAULT_COLUMNS[kind],
      footer,
      defaultNotes: t.defaultNotes,
    },
    seller: {
      name: profile.legalName ?? tenantName,
      address: profile.address,
      ...(profile.email ? { email: profile.email } : {}),
      ...(profile.phone ? { phone: profile.phone } : {}),
      ...(profile.taxId ? { taxId: profile.taxId } : {}),
    },
  };
}
