import { pino } from 'pino'

export type Logger = pino.Logger

/**
 * JSON logs. Secret values are Secret objects that serialise as `[redacted]`; the redact list is the
 * second line of defence for anything that arrives as a plain string (headers, raw credentials).
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...bindings },
    redact: {
      paths: [
        'headers.authorization',
        'req.headers.authorization',
        '*.password',
        '*.clientSecret',
        '*.consumerSecret',
        '*.tokenSecret',
        '*.secret',
        '*.accessToken',
        '*.access_token',
      ],
      censor: '[redacted]',
    },
  })
}
