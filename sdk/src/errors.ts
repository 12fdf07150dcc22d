// One error family for both APIs. `expose` says whether the message may reach a client;
// anything else becomes a generic INTERNAL error.

export interface ErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly details: ErrorDetail[] | undefined;

  constructor(
    code: string,
    message: string,
    opts: { status?: number; expose?: boolean; details?: ErrorDetail[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.expose = opts.expose ?? this.status < 500;
    this.details = opts.details;
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'Resource', opts: { code?: string } = {}) {
    super(opts.code ?? 'NOT_FOUND', `${what} not found`, { status: 404 });
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: ErrorDetail[]) {
    super('VALIDATION_FAILED', message, { status: 400, ...(details ? { details } : {}) });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message, { status: 401 });
  }
}

export class ForbiddenError extends AppError {
  readonly permission: string;
  constructor(permission: string) {
    super('FORBIDDEN', `Missing permission: ${permission}`, {
      status: 403,
      details: [{ message: `This action needs the permission "${permission}"`, permission }],
    });
    this.permission = permission;
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(code, message, { status: 409, ...(details ? { details } : {}) });
  }
}

/** A service could not be resolved for this tenant (`SERVICE_NOT_ENABLED`, `SERVICE_NOT_CHOSEN`). */
export class ServiceError extends AppError {
  readonly service: string;
  constructor(code: 'SERVICE_NOT_ENABLED' | 'SERVICE_NOT_CHOSEN', service: string, message: string) {
    super(code, message, { status: 409, details: [{ message, service }] });
    this.service = service;
  }
}
