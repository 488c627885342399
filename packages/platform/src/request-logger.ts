// Fastify gives every request a child logger (request.log, bound to its reqId). Making a pino child
// with redaction costs about as much as a card confirmation's token check, and at thousands of
// requests a second almost none of them log a line (request logging off, or a level above info).
// So request.log makes its child only when a line at an enabled level is written: every line
// still carries the reqId. Every app's Fastify takes it as `childLoggerFactory`.
import type { FastifyBaseLogger, FastifyLogFn } from 'fastify';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildLoggerOptions = Parameters<FastifyBaseLogger['child']>[1];

type LevelMethod = FastifyLogFn;
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A request's logger that creates its pino child on first use. */
class LazyChildLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions | undefined,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  private write(level: Level, args: Parameters<LevelMethod>): void {
    const enabled = (this.made ?? this.parent) as { isLevelEnabled?: (l: string) => boolean };
    if (enabled.isLevelEnabled && !enabled.isLevelEnabled(level)) return;
    (this.logger[level] as (...a: unknown[]) => void)(...args);
  }

  // Methods, not arrow-function fields: one logger per request, so seven closures each would be
  // made for nothing. Called on the logger, as pino's own are (request.log.info(...)).
  fatal(...args: Parameters<LevelMethod>): void {
    this.write('fatal', args);
  }
  error(...args: Parameters<LevelMethod>): void {
    this.write('error', args);
  }
  warn(...args: Parameters<LevelMethod>): void {
    this.write('warn', args);
  }
  info(...args: Parameters<LevelMethod>): void {
    this.write('info', args);
  }
  debug(...args: Parameters<LevelMethod>): void {
    this.write('debug', args);
  }
  trace(...args: Parameters<LevelMethod>): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** Fastify's childLoggerFactory: request.log without a pino child per request. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options?: ChildLoggerOptions,
): FastifyBaseLogger {
  // A route's own log level: the parent cannot tell which lines it lets through.
  if (options?.level !== undefined && options.level !== logger.level)
    return logger.child(bindings, options);
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
