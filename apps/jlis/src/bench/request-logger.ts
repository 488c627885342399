// What making request.log costs each request, in-process, without the noise of a server: a pino
// child with the shared logger's redaction (Fastify's default childLoggerFactory, which jlis used)
// against the lazy logger (@shikaku/platform/request-logger), each given the reqId binding and
// asked for one line below the level (LOG_LEVEL=warn, as the load tests run it).
//
//   node apps/jlis/dist/bench/request-logger.js
import { createLogger } from '@shikaku/platform/logger';
import { lazyChildLogger } from '@shikaku/platform/request-logger';
import type { FastifyBaseLogger } from 'fastify';

const logger = createLogger({ name: 'jlis', level: 'warn' }) as unknown as FastifyBaseLogger;
const perRound = 200_000;
const rounds = 7;
// Some loggers are kept, as requests in flight keep theirs, so none is optimised away.
const kept: FastifyBaseLogger[] = [];

function microsecondsPerRequest(make: (reqId: string) => FastifyBaseLogger): number {
  const figures: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < perRound; i++) {
      const log = make(`req-${i}`);
      log.info('below the level');
      if (i % 1000 === 0) kept.push(log);
    }
    const used = process.cpuUsage(start);
    figures.push((used.user + used.system) / perRound);
  }
  figures.sort((a, b) => a - b);
  return Math.round(figures[rounds >> 1]! * 100) / 100;
}

// Twice each, interleaved: the first pass warms the JIT.
const result = { pinoChild: 0, lazy: 0 };
for (let pass = 0; pass < 2; pass++) {
  result.pinoChild = microsecondsPerRequest((reqId) => logger.child({ reqId }, {}));
  result.lazy = microsecondsPerRequest((reqId) => lazyChildLogger(logger, { reqId }, {}));
}
console.log(
  JSON.stringify({ medianCpuMicrosecondsPerRequest: result, rounds, perRound, kept: kept.length }),
);
