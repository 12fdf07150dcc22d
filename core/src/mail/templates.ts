import type { Branding } from '../tenancy/branding.ts';

/** The languages mail templates are written in; anything else falls back to English. */
export const MAIL_LANGUAGES = ['en', 'de', 'es'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

type Strings = Record<MailLanguage, string>;

/** One message type: `{{name}}` placeholders filled from the message's data (and `company`). */
export interface MailTemplate {
  subject: Strings;
  /** Paragraphs, separated by blank lines. */
  body: Strings;
  /** The button label; the button links to `data.url`. */
  action?: Strings;
  /** Data keys the caller must give. */
  requires: readonly string[];
}

export const mailTemplates: Record<string, MailTemplate> = {
  // An addon's own message with its documents attached (a quote, an invoice): the sender writes
  // the subject and the text; the tenant's branding frames it like every other mail.
  'core.document': {
    requires: ['subject', 'body'],
    subject: { en: '{{subject}}', de: '{{subject}}', es: '{{subject}}' },
    body: { en: '{{body}}', de: '{{body}}', es: '{{body}}' },
  },
  'core.notification': {
    requires: ['title', 'body', 'url'],
    subject: { en: '{{title}}', de: '{{title}}', es: '{{title}}' },
    body: { en: '{{body}}', de: '{{body}}', es: '{{body}}' },
    action: { en: 'Open in {{company}}', de: 'In {{company}} öffnen', es: 'Abrir en {{company}}' },
  },
  'core.notification-digest': {
    requires: ['count', 'items', 'url'],
    subject: {
      en: 'Your {{company}} digest: {{count}} unread',
      de: 'Ihre Zusammenfassung von {{company}}: {{count}} ungelesen',
      es: 'Su resumen de {{company}}: {{count}} sin leer',
    },
    body: {
      en: 'What you have not read yet in {{company}}:\n\n{{items}}',
      de: 'Was Sie in {{company}} noch nicht gelesen haben:\n\n{{items}}',
      es: 'Lo que aún no ha leído en {{company}}:\n\n{{items}}',
    },
    action: { en: 'Notification settings', de: 'Benachrichtigungseinstellungen', es: 'Ajustes de notificaciones' },
  },
  'core.webhook-disabled': {
    requires: ['url', 'endpoint', 'failures'],
    subject: {
      en: 'A {{company}} webhook was disabled',
      de: 'Ein Webhook von {{company}} wurde deaktiviert',
      es: 'Se ha desactivado un webhook de {{company}}',
    },
    body: {
      en: 'The webhook endpoint {{endpoint}} was disabled after {{failures}} deliveries in a row failed.\n\nFix the receiver, then enable the endpoint again and redeliver what it missed.',
      de: 'Der Webhook-Endpunkt {{endpoint}} wurde deaktiviert, nachdem {{failures}} Zustellungen in Folge fehlgeschlagen sind.\n\nBeheben Sie den Empfänger, aktivieren Sie den Endpunkt wieder und stellen Sie Verpasstes erneut zu.',
      es: 'El punto de conexión del webhook {{endpoint}} se ha desactivado después de {{failures}} entregas fallidas seguidas.\n\nCorrija el receptor, vuelva a activar el punto de conexión y reenvíe lo que no recibió.',
    },
    action: { en: 'Open webhooks', de: 'Webhooks öffnen', es: 'Abrir webhooks' },
  },
  'core.password-reset': {
    requires: ['url'],
    subject: {
      en: 'Reset your {{company}} password',
      de: 'Ihr Passwort für {{company}} zurücksetzen',
      es: 'Restablezca su contraseña de {{company}}',
    },
    body: {
      en: 'Someone asked to reset the password of your {{company}} account.\n\nThe link works once and for 30 minutes. If it was not you, ignore this message: your password stays as it is.',
      de: 'Jemand hat angefordert, das Passwort Ihres Kontos bei {{company}} zurückzusetzen.\n\nDer Link gilt einmal und 30 Minuten lang. Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.',
      es: 'Alguien ha pedido restablecer la contraseña de su cuenta de {{company}}.\n\nEl enlace funciona una sola vez y durante 30 minutos. Si no ha sido usted, ignore este mensaje: su contraseña no cambia.',
    },
    action: { en: 'Choose a new password', de: 'Neues Passwort wählen', es: 'Elegir una contraseña nueva' },
  },
  'core.verify-email': {
    requires: ['url'],
    subject: {
      en: 'Confirm your email address for {{company}}',
      de: 'Bestätigen Sie Ihre E-Mail-Adresse für {{company}}',
      es: 'Confirme su dirección de correo electrónico para {{company}}',
    },
    body: {
      en: 'Please confirm that this is your email address for {{company}}.',
      de: 'Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse für {{company}} ist.',
      es: 'Confirme que esta es su dirección de correo electrónico para {{company}}.',
    },
    action: { en: 'Confirm email address', de: 'E-Mail-Adresse bestätigen', es: 'Confirmar la dirección' },
  },
  'core.invitation': {
    requires: ['url', 'inviter'],
    subject: {
      en: '{{inviter}} invited you to {{company}}',
      de: '{{inviter}} hat Sie zu {{company}} eingeladen',
      es: '{{inviter}} le ha invitado a {{company}}',
    },
    body: {
      en: '{{inviter}} invited you to join {{company}} on ElevateCRM.\n\nThe invitation works once and expires in 7 days.',
      de: '{{inviter}} hat Sie eingeladen, {{company}} auf ElevateCRM beizutreten.\n\nDie Einladung gilt einmal und läuft in 7 Tagen ab.',
      es: '{{inviter}} le ha invitado a unirse a {{company}} en ElevateCRM.\n\nLa invitación funciona una sola vez y caduca en 7 días.',
    },
    action: { en: 'Accept the invitation', de: 'Einladung annehmen', es: 'Aceptar la invitación' },
  },
};

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function fill(text: string, data: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => data[key] ?? '');
}

export function mailLanguage(lang: string | null | undefined): MailLanguage {
  const base = (lang ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return (MAIL_LANGUAGES as readonly string[]).includes(base) ? (base as MailLanguage) : 'en';
}

/** Plain text and HTML of one message, in the tenant's colours and logo. */
export function renderMail(
  template: MailTemplate,
  lang: MailLanguage,
  data: Record<string, string>,
  brand: { company: string; branding: Branding },
): RenderedMail {
  const values = { ...data, company: brand.company };
  const subject = fill(template.subject[lang], values);
  const paragraphs = fill(template.body[lang], values).split(/\n\n+/);
  const action = template.action ? fill(template.action[lang], values) : null;
  const url = data.url ?? null;
  const text = [...paragraphs, ...(action && url ? [`${action}: ${url}`] : []), `— ${brand.company}`].join('\n\n');
  const color = brand.branding.primaryColor ?? '#4f46e5';
  // Only data URLs validated by branding.ts reach here; quoted anyway.
  const header = brand.branding.logo
    ? `<img src="${escapeHtml(brand.branding.logo)}" alt="${escapeHtml(brand.company)}" style="max-height:48px">`
    : `<strong style="font-size:20px;color:${color}">${escapeHtml(brand.company)}</strong>`;
  const button =
    action && url
      ? `<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:10px 18px;background:${color};color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(action)}</a></p>
<p style="font-size:12px;color:#6b7280">${escapeHtml(url)}</p>`
      : '';
  const html = `<!doctype html>
<html lang="${lang}"><body style="font-family:system-ui,sans-serif;color:#111827;max-width:560px;margin:0 auto;padding:24px">
<div style="border-bottom:3px solid ${color};padding-bottom:12px;margin-bottom:16px">${header}</div>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${button}
</body></html>`;
  return { subject, text, html };
}
