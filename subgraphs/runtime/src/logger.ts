/** One pino logger per service; request-scoped children carry `requestId` (and later `userId`). */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        'password',
        '*.password',
        '*.*.password',
        '*.token',
        '*.authorization',
        'req.headers.authorization',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  });
}
