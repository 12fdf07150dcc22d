import { pino } from 'pino';
import type { Config } from './config/config.ts';

export type Log = pino.Logger;

/** Structured JSON logs on stdout; each request logs through a child carrying its request id. */
export function createLogger(config: Pick<Config, 'logLevel'>): Log {
  return pino({ level: config.logLevel, base: { service: 'elevate' } });
}
