// What an app's request logging writes, for each app's test of its Fastify wiring: whether a
// request that logs nothing makes a pino child, and whether a line a request writes carries its
// reqId and is redacted exactly as a pino child per request (Fastify's default) wrote it.
import { Writable } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance, InjectOptions } from 'fastify';
import { createLogger, type Logger, REDACTED_KEYS } from '../logger.js';

export interface CountingLogger {
  logger: Logger;
  /** Every line written, parsed. */
  lines: Record<string, unknown>[];
  /** How many pino children were made of `logger` so far. */
  children: () => number;
}

/** A logger (redaction and all, as createLogger makes it) that keeps its lines and counts its children. */
export function countingLogger(name: string, level: string): CountingLogger {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ name, level, destination });
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    children++;
    return child(...args);
  }) as typeof logger.child;
  return { logger, lines, children: () => children };
}

/** Every redacted key with a personal value, at the top level and one and two levels down. */
export const PERSONAL_FIELDS: Record<string, unknown> = Object.fromEntries(
  REDACTED_KEYS.filter((key) => key !== 'name').map((key) => [key, `personal ${key}`]),
);
const FIELDS = {
  ...PERSONAL_FIELDS,
  body: { ...PERSONAL_FIELDS, name: 'personal name', result: { ...PERSONAL_FIELDS } },
};

export interface RequestLogging {
  /** Pino children made while `quiet` was answered (with nothing logged at the level). */
  childrenForQuiet: number;
  quietStatus: number;
  /** The line a request wrote through request.log (without its time), and the request's id. */
  line: Record<string, unknown> | undefined;
  reqId: string;
  /** The same line through a pino child of the app's logger, as Fastify's default child wrote it. */
  lineFromChild: Record<string, unknown> | undefined;
}

/**
 * Builds the app with a logger at `warn` (request logging off, as the load tests run it), answers
 * `quiet`, then a request to a route added for the test that writes one warn line with every
 * redacted key.
 */
export async function requestLogging(
  name: string,
  build: (logger: Logger) => Promise<FastifyInstance>,
  quiet: InjectOptions,
): Promise<RequestLogging> {
  const counting = countingLogger(name, 'warn');
  const app = await build(counting.logger);
  app.get('/test/request-log', async (request) => {
    request.log.warn(FIELDS, 'request line');
    return { reqId: request.id };
  });
  try {
    await app.ready();
    const before = counting.children();
    const quietStatus = (await app.inject(quiet)).statusCode;
    const childrenForQuiet = counting.children() - before;
    const { reqId } = (await app.inject({ method: 'GET', url: '/test/request-log' })).json<{
      reqId: string;
    }>();
    const line = counting.lines.find((l) => l.msg === 'request line');
    const eager = countingLogger(name, 'warn');
    (eager.logger.child({ reqId }) as FastifyBaseLogger).warn(FIELDS, 'request line');
    const withoutTime = (l: Record<string, unknown> | undefined) =>
      l && Object.fromEntries(Object.entries(l).filter(([key]) => key !== 'time'));
    return {
      childrenForQuiet,
      quietStatus,
      line: withoutTime(line),
      reqId,
      lineFromChild: withoutTime(eager.lines[0]),
    };
  } finally {
    await app.close();
  }
}
