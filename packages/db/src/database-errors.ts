// What caused a statement to fail, read from the error's code (a SQLSTATE, or Node's code for a
// socket error) and, for the errors pg makes itself, which carry no code, from its fixed message.

/**
 * A PostgreSQL error caused by a value (SQLSTATE class 22 data exception, or 54000 program limit
 * exceeded such as an index row too large), not by the database being unavailable.
 */
export function isDataError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && (code.startsWith('22') || code === '54000');
}

// Node's codes for a socket that could not connect or was cut.
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// What pg 8 (lib/client.js), pg-pool (index.js) and PGlite throw, without a code, when there is no
// connection to run a statement on.
const NO_CONNECTION =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Cannot use a pool after calling end on the pool|PGlite is closed)/;

/**
 * An error that any statement would have met, whatever it carried: no connection (a socket error,
 * pg's "Connection terminated"), or SQLSTATE class 08 connection exception, 53 insufficient
 * resources (53300 too many connections) or 57 operator intervention (57P01 the server shutting
 * down, 57014 a statement cancelled or timed out). Running the same items again in smaller
 * statements would fail them all the same, one statement each.
 */
export function isUnavailableError(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) return SOCKET_ERRORS.has(code) || /^(08|53|57)/.test(code);
  return error instanceof Error && NO_CONNECTION.test(error.message);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
