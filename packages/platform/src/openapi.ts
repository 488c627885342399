// What /docs must show for every operation (issue #14): a summary, and a response described per
// status. @fastify/swagger writes "Default Response" for a status whose schema has no description
// (and for a route without any response schema), so that text means an undocumented answer.
// Error responses are described by registerErrorHandler (errors.ts) from the app's error table, or
// by the route when only it answers some of its codes (errorResponseWithCodes).

/** A response schema with what it means, so /docs shows that instead of "Default Response". */
export const described = <T extends object>(schema: T, description: string): T => ({
  ...schema,
  description,
});

interface OpenApiOperation {
  summary?: string;
  responses?: Record<string, { description?: string }>;
}

export interface OpenApiDocument {
  paths?: Record<string, Record<string, OpenApiOperation>>;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/**
 * The gaps in a document: one line per operation without a summary, without a success (2xx)
 * response, or with a "Default Response". Empty when every operation is documented.
 */
export function undocumentedOperations(doc: OpenApiDocument): string[] {
  const gaps: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const route = `${method.toUpperCase()} ${path}`;
      if (!operation.summary?.trim()) gaps.push(`${route}: no summary`);
      const responses = Object.entries(operation.responses ?? {});
      if (!responses.some(([status]) => status.startsWith('2')))
        gaps.push(`${route}: no success response`);
      for (const [status, response] of responses) {
        if (!response.description || response.description === 'Default Response') {
          gaps.push(`${route} ${status}: Default Response`);
        }
      }
    }
  }
  return gaps;
}

/**
 * A route's `serializerCompiler` when its response schemas only document: the answer is written
 * with JSON.stringify as if no schema were declared (fast-json-stringify would drop undeclared
 * properties and coerce types), so a wire format held by golden files keeps its exact bytes.
 */
export const serializeAsDocumentedOnly = () => (data: unknown) => JSON.stringify(data);
