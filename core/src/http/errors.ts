import { AppError, type ErrorDetail, isLanguage, type Language, preferredLanguage } from '@elevate/sdk';
import type Koa from 'koa';
import { RETRY_AFTER_SECONDS, typedError } from '../db/pg-errors.ts';
import { translateErrorBody } from '../i18n/translate.ts';

export interface ErrorBody {
  code: string;
  message: string;
  details: ErrorDetail[];
}

/** Maps anything thrown to the one error format; unknown errors never leak their message. */
export function toErrorBody(thrown: unknown): { status: number; body: ErrorBody; expected: boolean } {
  const err = typedError(thrown);
  if (err instanceof AppError) {
    if (err.expose) {
      return {
        status: err.status,
        body: { code: err.code, message: err.message, details: err.details ?? [] },
        expected: true,
      };
    }
    return { status: err.status, body: { code: err.code, message: 'Internal error', details: [] }, expected: false };
  }
  const e = err as { status?: number; expose?: boolean; message?: string; type?: string };
  // Koa/body-parser errors (malformed JSON, payload too large) carry a status and are safe.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false) {
    const code = e.status === 413 ? 'PAYLOAD_TOO_LARGE' : e.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return { status: e.status, body: { code, message: e.message ?? 'Bad request', details: [] }, expected: true };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'Internal error', details: [] }, expected: false };
}

/** The language of the error's message: the signed-in user's, else the request's Accept-Language. */
function errorLanguage(ctx: Koa.Context): Language {
  const user = (ctx.state as { rc?: { user?: { language?: string | null } } }).rc?.user;
  if (isLanguage(user?.language)) return user.language;
  return preferredLanguage(ctx.get('accept-language')) ?? 'en';
}

export function errorMiddleware(): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // respond === false: the web app wrote its own response (its own not-found page).
      if (ctx.status === 404 && ctx.body === undefined && ctx.respond !== false) {
        ctx.status = 404;
        ctx.body = { code: 'NOT_FOUND', message: `No route for ${ctx.method} ${ctx.path}`, details: [] };
      }
    } catch (err) {
      const { status, body, expected } = toErrorBody(err);
      if (!expected) ctx.state.log?.error({ err }, 'request failed');
      ctx.status = status;
      // Unavailable for a while (the database): tell clients when to try again.
      if (status === 503) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      // Rate limited: when the limit frees up (http/throttle.ts).
      const retryAfter = (err as { retryAfterSec?: unknown } | null)?.retryAfterSec;
      if (status === 429 && typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
      // The message in the user's language; the code and the details' paths stay as they are.
      ctx.body = translateErrorBody(body, errorLanguage(ctx));
    }
  };
}
