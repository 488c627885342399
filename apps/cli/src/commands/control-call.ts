import { CliError } from '../output.js';

/**
 * One JSON call to a stack app's control or service endpoint; an error answer becomes a CliError
 * with the API's stable code (and its field), an unreachable app UNREACHABLE.
 */
export async function callApp(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new CliError('UNREACHABLE', `could not reach ${url}`);
  }
  const text = await response.text();
  let answer: Record<string, unknown> = {};
  try {
    answer = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    answer = { message: text };
  }
  if (!response.ok) {
    const field = typeof answer.field === 'string' ? ` (${answer.field})` : '';
    throw new CliError(String(answer.code ?? response.status), `${String(answer.message)}${field}`);
  }
  return answer;
}
