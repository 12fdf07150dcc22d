import { ValidationError } from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';

/** A tenant's white label. null: the TECHGURU default. */
export interface Branding {
  logo: string | null;
  primaryColor: string | null;
}

/** Decoded logo size cap: logos are shown small; the data URL travels with every page load. */
export const LOGO_MAX_BYTES = 256 * 1024;
const DATA_URL = /^data:image\/(png|jpeg|webp|svg\+xml);base64,([A-Za-z0-9+/]+={0,2})$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** The bytes must be what the data URL says they are (no HTML or script posing as an image). */
function looksLike(type: string, bytes: Buffer): boolean {
  if (type === 'png') return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  if (type === 'jpeg') return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (type === 'webp')
    return bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
  const text = bytes.toString('utf8').trimStart().toLowerCase();
  return (
    (text.startsWith('<svg') || text.startsWith('<?xml')) &&
    !/<script|\son\w+\s*=|javascript:|<foreignobject/.test(text)
  );
}

export function validateBranding(input: unknown): Partial<Branding> {
  const body = (input ?? {}) as Record<string, unknown>;
  const details: { path: string; message: string }[] = [];
  const out: Partial<Branding> = {};
  for (const key of Object.keys(body)) {
    if (key !== 'logo' && key !== 'primaryColor') details.push({ path: key, message: 'is not allowed' });
  }
  if ('logo' in body) {
    const logo = body.logo;
    if (logo === null) out.logo = null;
    else if (typeof logo !== 'string') details.push({ path: 'logo', message: 'must be a data URL or null' });
    else {
      const m = DATA_URL.exec(logo);
      const bytes = m?.[2] ? Buffer.from(m[2], 'base64') : null;
      if (!m?.[1] || !bytes) {
        details.push({ path: 'logo', message: 'must be a PNG, JPEG, WebP or SVG image as a base64 data URL' });
      } else if (bytes.length > LOGO_MAX_BYTES) {
        details.push({ path: 'logo', message: `must be at most ${LOGO_MAX_BYTES / 1024} KB` });
      } else if (!looksLike(m[1], bytes)) {
        details.push({
          path: 'logo',
          message: `is not a valid ${m[1] === 'svg+xml' ? 'SVG (no scripts)' : m[1].toUpperCase()} image`,
        });
      } else out.logo = logo;
    }
  }
  if ('primaryColor' in body) {
    const color = body.primaryColor;
    if (color === null) out.primaryColor = null;
    else if (typeof color !== 'string' || !COLOR.test(color)) {
      details.push({ path: 'primaryColor', message: 'must be a colour like #4f46e5, or null' });
    } else out.primaryColor = color.toLowerCase();
  }
  if (details.length) throw new ValidationError('Invalid branding', details);
  return out;
}

export async function readBranding(tx: TenantTx): Promise<Branding> {
  const rows = await tx.query<{ logo: string | null; primary_color: string | null }>(
    'select logo, primary_color from core_branding where tenant_id = $1',
    [tx.tenantId],
  );
  return { logo: rows[0]?.logo ?? null, primaryColor: rows[0]?.primary_color ?? null };
}

/** Changes only the fields given. */
export async function writeBranding(tx: TenantTx, change: Partial<Branding>): Promise<Branding> {
  const current = await readBranding(tx);
  const next = { ...current, ...change };
  await tx.query(
    `insert into core_branding (tenant_id, logo, primary_color) values ($1, $2, $3)
     on conflict (tenant_id) do update set logo = excluded.logo, primary_color = excluded.primary_color, updated_at = now()`,
    [tx.tenantId, next.logo, next.primaryColor],
  );
  return next;
}
