import { AsyncLocalStorage } from 'node:async_hooks'
import { pino } from 'pino'

export type Logger = pino.Logger

/** What every log line written on behalf of one unit of work carries (an HTTP request's id). */
export interface LogContext {
  requestId: string
}

const logContext = new AsyncLocalStorage<LogContext>()

/**
 * Runs `fn` so that every line logged while it runs, by any logger made here and by anything it calls or
 * starts (the engine under a webhook, the store), carries the context's fields.
 */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return logContext.run(context, fn)
}

/**
 * JSON logs. Secret values are Secret objects that serialise as `[redacted]`; the redact list is the
 * second line of defence for anything that arrives as a plain string (headers, raw credentials).
 */
export function createLogger(
  level: string,
  bindings: Record<string, unknown> = {},
  /** Where lines go: stdout unless given (tests capture them). */
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid, ...bindings },
    // The request id of the work in progress. Called only for lines that are actually written.
    mixin: () => {
      const context = logContext.getStore()
      return context ? { requestId: context.requestId } : {}
    },
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
  }
  return destination ? pino(options, destination) : pino(options)
}
