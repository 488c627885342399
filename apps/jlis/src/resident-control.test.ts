import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { findCertificate, findResident, upsertCertificates } from '@shikaku/db/jlis/residents';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { JlisConfig } from './config.js';

const config: JlisConfig = {
  host: '127.0.0.1',
  port: 0,
  databaseUrl: undefined,
  logLevel: 'silent',
  serviceKey: 'svc-control-test-key',
  controlKey: 'ctl-control-test-key',
  faults: { latencyMs: 0, errorRate: 0, down: false },
};
const clock = fixedClock(new Date('2021-07-15T00:00:00Z'));
// The seed's newborn (R3.03.01), with a valid My Number.
const newborn = {
  myNumber: '123456789018',
  name: '資格 三郎',
  nameKana: 'ｼｶｸ ｻﾌﾞﾛｳ',
  birthDate: '2021-03-01',
  sex: '1' as const,
  address: '東京都千代田区霞が関1-2-2',
};

describeEachDatabase('jlis resident control API', ({ handle }) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp(config, {
      handle: handle(),
      clock,
      logger: createLogger({ name: 'jlis', level: 'silent' }),
    });
  });
  afterAll(() => app.close());
  const control = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { 'x-control-key': config.controlKey } });
  const resident = () =>
    app.inject({
      method: 'GET',
      url: `/v1/residents/${newborn.myNumber}`,
      headers: { 'x-service-key': config.serviceKey },
    });

  it('a birth, a move, a marriage and a death; bad records refused and nothing changed', async () => {
    expect((await resident()).statusCode).toBe(404);
    // Only with the control key.
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/control/residents',
      payload: newborn,
    });
    expect(anonymous.statusCode).toBe(401);

    // Birth: stored with its kana in full width.
    expect((await control('POST', '/v1/control/residents', newborn)).statusCode).toBe(201);
    expect((await resident()).json()).toMatchObject({
      nameKana: 'シカク サブロウ',
      birthDate: '2021-03-01',
    });
    const again = await control('POST', '/v1/control/residents', newborn);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'RESIDENT_EXISTS' });

    // Malformed records: a clear code and field, nothing stored or changed.
    const cases: Array<[object, number, string, string?]> = [
      [{ ...newborn, myNumber: '123456789012' }, 400, 'INVALID_MY_NUMBER', 'myNumber'],
      [
        { ...newborn, myNumber: '000000000019', nameKana: '三郎' },
        422,
        'INVALID_RESIDENT',
        'nameKana',
      ],
      [
        { ...newborn, myNumber: '000000000019', birthDate: '2021-02-30' },
        422,
        'INVALID_RESIDENT',
        'birthDate',
      ],
      [
        { ...newborn, myNumber: '000000000019', birthDate: '2021-07-16' },
        422,
        'INVALID_RESIDENT',
        'birthDate',
      ],
      [{ ...newborn, myNumber: '000000000019', address: ' ' }, 422, 'INVALID_RESIDENT', 'address'],
    ];
    for (const [body, status, code, field] of cases) {
      const answer = await control('POST', '/v1/control/residents', body);
      expect(answer.statusCode, JSON.stringify(body)).toBe(status);
      expect(answer.json()).toMatchObject({ code, ...(field ? { field } : {}) });
    }
    expect(await findResident(handle(), '000000000019')).toBeUndefined();
    expect(
      (await control('PATCH', `/v1/control/residents/${newborn.myNumber}`, { sex: '4' }))
        .statusCode,
    ).toBe(400);

    // A move, then a marriage.
    const moved = await control('PATCH', `/v1/control/residents/${newborn.myNumber}`, {
      address: '大阪府大阪市北区梅田3-1-3',
    });
    expect(moved.json()).toMatchObject({ address: '大阪府大阪市北区梅田3-1-3', name: '資格 三郎' });
    await control('PATCH', `/v1/control/residents/${newborn.myNumber}`, {
      name: '山田 三郎',
      nameKana: 'ヤマダ・サブロウ',
    });
    expect((await resident()).json()).toMatchObject({
      name: '山田 三郎',
      nameKana: 'ヤマダ・サブロウ',
    });
    expect(
      (await control('PATCH', '/v1/control/residents/000000000019', { address: 'x' })).statusCode,
    ).toBe(404);

    // A death: gone from the registry, certificates revoked.
    await upsertCertificates(
      handle(),
      [{ serial: 'NEWBORN000000001', myNumber: newborn.myNumber, status: 'valid' }],
      clock.now(),
    );
    expect((await control('DELETE', `/v1/control/residents/${newborn.myNumber}`)).statusCode).toBe(
      204,
    );
    expect((await resident()).statusCode).toBe(404);
    expect((await findCertificate(handle(), 'NEWBORN000000001'))?.status).toBe('revoked');
    expect((await control('DELETE', `/v1/control/residents/${newborn.myNumber}`)).statusCode).toBe(
      404,
    );
  });
});
