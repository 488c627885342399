import { describe, expect, it } from 'vitest';
import { httpEligibilityClient } from './eligibility-client.js';

function fakeFetch(answers: Array<{ status: number; body?: unknown }>) {
  const calls: Array<{ method: string; url: string; key: string | null; body: unknown }> = [];
  const fetchImpl = (async (url: URL, init: RequestInit) => {
    const headers = new Headers(init.headers);
    calls.push({
      method: String(init.method),
      url: url.toString(),
      key: headers.get('x-service-key'),
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    });
    const answer = answers.shift() ?? { status: 500 };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
    });
  }) as unknown as typeof fetch;
  return { fetchImpl, calls };
}

describe('httpEligibilityClient', () => {
  it('calls the internal endpoints of docs/contracts.md with the service key', async () => {
    const { fetchImpl, calls } = fakeFetch([
      { status: 201, body: {} },
      { status: 201, body: { clientId: 'c1', clientSecret: 's1' } },
      { status: 204 },
    ]);
    const client = httpEligibilityClient('http://elig.test', 'key-1', fetchImpl);
    await client.registerInstitution({
      institutionCode: '0110113719',
      facilityType: 'clinic',
      name: 'A',
    });
    expect(await client.issueCredential('0110113719')).toEqual({
      clientId: 'c1',
      clientSecret: 's1',
    });
    await client.revokeCredential('0110113719', 'c1');
    expect(calls).toEqual([
      {
        method: 'POST',
        url: 'http://elig.test/v1/internal/institutions',
        key: 'key-1',
        body: { institutionCode: '0110113719', facilityType: 'clinic', name: 'A' },
      },
      {
        method: 'POST',
        url: 'http://elig.test/v1/internal/institutions/0110113719/credentials',
        key: 'key-1',
        body: undefined,
      },
      {
        method: 'DELETE',
        url: 'http://elig.test/v1/internal/institutions/0110113719/credentials/c1',
        key: 'key-1',
        body: undefined,
      },
    ]);
  });

  it('names a dental clinic as eligibility-api does', async () => {
    const { fetchImpl, calls } = fakeFetch([{ status: 201, body: {} }]);
    const client = httpEligibilityClient('http://elig.test', 'k', fetchImpl);
    await client.registerInstitution({
      institutionCode: 'x',
      facilityType: 'dental-clinic',
      name: 'A',
    });
    expect(calls[0]?.body).toMatchObject({ facilityType: 'dental' });
  });

  it('treats an already registered institution as registered, and other failures as UPSTREAM_UNAVAILABLE', async () => {
    const { fetchImpl } = fakeFetch([
      { status: 409, body: { code: 'CONFLICT' } },
      { status: 500 },
      { status: 201, body: {} },
    ]);
    const client = httpEligibilityClient('http://elig.test', 'k', fetchImpl);
    await expect(
      client.registerInstitution({ institutionCode: 'x', facilityType: 'clinic', name: 'A' }),
    ).resolves.toBeUndefined();
    await expect(client.issueCredential('x')).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    await expect(client.issueCredential('x')).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
  });
});
