import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publicKeyFingerprint } from '@shikaku/core/public-key-fingerprint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Harness, signUp, startHarness } from '../testing/harness.js';
import { staffClient } from '../testing/staff.js';

const SERVICE_KEY = 'portal-practitioner-test-key-0123456789';
const newPem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
const PEM = newPem();

/** eligibility-api's internal practitioner endpoints, as far as the portal uses them. */
function fakeEligibilityApi() {
  const calls: Array<{ method: string; url: string; key: string | undefined; body: unknown }> = [];
  const rows: Array<Record<string, unknown>> = [];
  const read = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk) => (text += String(chunk)));
      request.on('end', () => resolve(text));
    });
  const server = createServer(async (request, response) => {
    const text = await read(request);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    calls.push({
      method: request.method!,
      url: request.url!,
      key: request.headers['x-service-key'] as string | undefined,
      body,
    });
    const send = (status: number, answer?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(answer === undefined ? '' : JSON.stringify(answer));
    };
    const revoke = /\/practitioners\/([^/]+)$/.exec(request.url!);
    if (request.method === 'GET') return send(200, { practitioners: rows });
    if (request.method === 'DELETE' && revoke) {
      const row = rows.find((r) => r.practitionerId === revoke[1] && !r.revokedAt);
      if (!row) return send(404, { code: 'NOT_FOUND', message: 'no' });
      row.revokedAt = '2021-06-02T01:00:00.000Z';
      return send(204);
    }
    if (String(body?.publicKey).startsWith('bad'))
      return send(400, {
        code: 'PRACTITIONER_KEY_INVALID',
        message: 'unreadable',
        field: 'publicKey',
        reason: 'unreadable',
      });
    if (rows.some((r) => r.certificateSerial === body?.certificateSerial))
      return send(409, {
        code: 'PRACTITIONER_ALREADY_REGISTERED',
        message: 'again',
        field: 'certificateSerial',
      });
    const row: Record<string, unknown> = {
      ...body,
      practitionerId: `prac-${rows.length + 1}`,
      // What eligibility-api lists for a key (its registry calls the same function).
      publicKeyFingerprint: publicKeyFingerprint(String(body?.publicKey)),
      revokedAt: null,
    };
    delete row.publicKey;
    rows.push(row);
    return send(201, row);
  });
  return { server, calls, rows };
}

describe('医療従事者の登録 (portal)', () => {
  let h: Harness;
  let pharmacy: Client;
  let operator: Client;
  const api = fakeEligibilityApi();

  beforeAll(async () => {
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    const { port } = api.server.address() as AddressInfo;
    h = await startHarness('2021-06-01T10:00:00+09:00', {
      eligibilityApiUrl: `http://127.0.0.1:${port}`,
      serviceKey: SERVICE_KEY,
    });
    pharmacy = await signUp(h.app, {
      institutionCode: '1340000015',
      facilityType: 'pharmacy',
      email: 'pharmacy-practitioners@example.jp',
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => (api.server as Server).close(() => resolve()));
  });

  it('waits for the usage approval, then registers, refuses with the field, and revokes', async () => {
    const before = await pharmacy.get('/practitioners');
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('利用申請の承認後に登録できます');
    // Before the approval a revoke is refused here, without asking eligibility-api.
    const early = await pharmacy.post('/practitioners/prac-1/revoke', {});
    expect(early.statusCode).toBe(403);
    expect(early.body).toContain('FORBIDDEN');
    expect(api.calls).toEqual([]);

    await pharmacy.post('/usage', {});
    operator = await staffClient(h.app, h.handle, 'operator');
    const list = await operator.get('/operator/usage');
    const id = Number(/action="\/operator\/usage\/(\d+)\/approve"/.exec(list.body)?.[1]);
    expect((await operator.post(`/operator/usage/${id}/approve`, {})).statusCode).toBe(303);

    const form = {
      name: '見本 薬剤師',
      role: 'pharmacist',
      certificateSerial: 'HPKI-PH-0001',
      publicKey: PEM,
      validFrom: '2021/4/1',
      validTo: '2026-03-31',
    };
    const created = await pharmacy.post('/practitioners', form);
    expect(created.statusCode).toBe(303);
    const registration = api.calls.find((c) => c.method === 'POST')!;
    expect(registration).toMatchObject({
      url: '/v1/internal/institutions/1340000015/practitioners',
      key: SERVICE_KEY,
      body: {
        role: 'pharmacist',
        certificateSerial: 'HPKI-PH-0001',
        validFrom: '2021-04-01T00:00:00+09:00',
        validTo: '2026-03-31T23:59:59+09:00',
      },
    });
    const listed = await pharmacy.get('/practitioners');
    expect(listed.body).toContain('見本 薬剤師');
    expect(listed.body).toContain('HPKI-PH-0001');
    expect(listed.body).toMatch(/<td>薬剤師<\/td>/);

    // The same form again (a double click, a resent form): what was asked is in force, so the
    // list, not an error; nothing more registered.
    const again = await pharmacy.post('/practitioners', form);
    expect(again.statusCode).toBe(303);
    expect(api.rows.filter((r) => r.certificateSerial === 'HPKI-PH-0001')).toHaveLength(1);
    // The same key in a PEM wrapped otherwise (one base64 line; 40 columns with CRLF line ends) is
    // the same form.
    const base64 = PEM.split('\n')
      .filter((line) => line && !line.startsWith('-----'))
      .join('');
    const oneLine = `-----BEGIN PUBLIC KEY-----\n${base64}\n-----END PUBLIC KEY-----`;
    const rewrapped = `-----BEGIN PUBLIC KEY-----\r\n${base64.match(/.{1,40}/g)!.join('\r\n')}\r\n-----END PUBLIC KEY-----\r\n`;
    for (const publicKey of [oneLine, rewrapped]) {
      const resent = await pharmacy.post('/practitioners', { ...form, publicKey });
      expect(resent.statusCode, resent.body.slice(0, 300)).toBe(303);
    }
    // The same particulars with another key are not what is in force: the registered key still
    // holds, so the admin is told, not shown the list as if the new key had been taken.
    const otherKey = await pharmacy.post('/practitioners', { ...form, publicKey: newPem() });
    expect(otherKey.statusCode).toBe(400);
    expect(otherKey.body).toContain('この電子証明書は既に登録されています');
    expect(api.rows.filter((r) => r.certificateSerial === 'HPKI-PH-0001')).toHaveLength(1);
    // The same serial with other particulars is another registration: refused on its field.
    const other = await pharmacy.post('/practitioners', { ...form, name: '別人 薬剤師' });
    expect(other.statusCode).toBe(400);
    expect(other.body).toContain('この電子証明書は既に登録されています');
    const badKey = await pharmacy.post('/practitioners', {
      ...form,
      certificateSerial: 'HPKI-PH-0002',
      publicKey: 'bad',
    });
    expect(badKey.statusCode, badKey.body.slice(0, 300)).toBe(400);
    expect(badKey.body).toMatch(/id="publicKey-error">公開鍵を読み取れません/);
    const missing = await pharmacy.post('/practitioners', { ...form, name: '', validTo: '31日' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('氏名を入力してください');
    expect(missing.body).toContain('終了日を YYYY-MM-DD で入力してください');

    const revoked = await pharmacy.post('/practitioners/prac-1/revoke', {});
    expect(revoked.statusCode).toBe(303);
    expect(api.calls.at(-1)).toMatchObject({
      method: 'DELETE',
      url: '/v1/internal/institutions/1340000015/practitioners/prac-1',
    });
    expect((await pharmacy.get('/practitioners')).body).toContain('失効（');
    // A second revoke (a double click, another tab) lands on the list; an unknown id is not found.
    const revokedAt = api.rows[0]!.revokedAt;
    const twice = await pharmacy.post('/practitioners/prac-1/revoke', {});
    expect(twice.statusCode).toBe(303);
    expect(api.rows[0]!.revokedAt).toBe(revokedAt);
    const unknown = await pharmacy.post('/practitioners/prac-9/revoke', {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('NOT_FOUND');
  });

  it('is for institutions only', async () => {
    expect((await operator.get('/practitioners')).statusCode).toBe(403);
  });
});
