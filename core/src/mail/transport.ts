import nodemailer from 'nodemailer';
import type { Config } from '../config/config.ts';
import type { Log } from '../logger.ts';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Where mail goes: an SMTP server (SMTP_URL), or only the log when none is configured. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

export function createMailTransport(config: Config, log: Log): MailTransport {
  if (!config.smtpUrl) {
    // Development without a mail catcher: the message (with its links) goes to the log.
    const t = nodemailer.createTransport({ jsonTransport: true });
    return {
      async send(mail) {
        const info = await t.sendMail(mail);
        log.info(
          {
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            attachments: mail.attachments?.map((a) => a.filename),
          },
          'mail (no SMTP_URL: logged, not sent)',
        );
        return { messageId: info.messageId };
      },
      close: () => t.close(),
    };
  }
  const t = nodemailer.createTransport({
    url: config.smtpUrl,
    // A dead server must fail the attempt (and let the job retry), not hang it.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      const info = await t.sendMail(mail);
      return { messageId: info.messageId };
    },
    close: () => t.close(),
  };
}
