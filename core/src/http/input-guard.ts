import { AppError, ValidationError } from '@elevate/sdk';
import type Koa from 'koa';
import { rejectBadNumbers, rejectNul } from './input.ts';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The rules every REST request meets before any route runs: a path that decodes and holds no
 * NUL, query and JSON body without NUL, JSON numbers finite, and a body that is JSON or the
 * text a text route reads (CSV). Kernel routes (auth, core) take JSON only.
 */
export function guardInput(): Koa.Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/api/')) return next();
    let path: string;
    try {
      path = decodeURIComponent(ctx.path);
    } catch {
      throw new ValidationError('The path is not valid (bad percent-encoding)', [
        { path: 'path', message: 'is not valid' },
      ]);
    }
    if (path.includes('\u0000')) {
      throw new ValidationError('The path contains a NUL character', [
        { path: 'path', message: 'must not contain a NUL character' },
      ]);
    }
    rejectNul(ctx.query);
    if (WITH_BODY.has(ctx.method)) {
      if (ctx.is('json', 'text/csv', 'text/plain') === false) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', { status: 415 });
      }
      const body = ctx.request.body as unknown;
      const kernel = ctx.path.startsWith('/api/v1/core/') || ctx.path.startsWith('/api/v1/auth/');
      if (kernel && typeof body === 'string' && body !== '') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', { status: 415 });
      }
      if (typeof body === 'object' && body !== null) {
        rejectNul(body);
        rejectBadNumbers(body);
      }
    }
    return next();
  };
}
