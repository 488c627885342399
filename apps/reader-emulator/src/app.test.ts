import { Writable } from 'node:stream';
import { createLogger } from '@shikaku/platform/logger';
import { undocumentedOperations } from '@shikaku/platform/openapi';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { type EmulatorFixture, startEmulatorFixture } from './testing/emulator-fixture.js';

describe('control API', () => {
  let fixture: EmulatorFixture;
  let app: FastifyInstance;
  let logged: string;

  beforeEach(async () => {
    fixture = await startEmulatorFixture();
    logged = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logged += String(chunk);
        done();
      },
    });
    const logger = createLogger({ name: 'reader-emulator', level: 'debug', destination });
    app = await buildApp({ docs: true }, { emulator: fixture.emulator, logger });
  });
  afterEach(async () => {
    await app.close();
    await fixture.close();
  });

  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });

  it('drives a reader from card to result', async () => {
    let response = await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0001' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      step: 'authenticating',
      allowedActions: ['face', 'pin', 'visual', 'card-removed'],
      card: { certificateSerial: 'REGISTERED-0001', pinTriesLeft: 3, locked: false },
    });

    response = await post('/v1/readers/clinic/face', { similarity: 0.5 });
    expect(response.json()).toMatchObject({
      step: 'authenticating',
      notice: { code: 'FACE_MISMATCH' },
    });

    response = await post('/v1/readers/clinic/face', { similarity: 0.9 });
    expect(response.json()).toMatchObject({ step: 'consents', method: 'face' });

    response = await post('/v1/readers/clinic/consents', {
      specificHealthCheckups: true,
      pharmacists: true,
      diagnosis: false,
      operations: false,
      limitApplicationCertificate: false,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      step: 'result',
      result: {
        qualificationValidity: '1',
        consents: { consentId: 'consent-1', pharmacists: true },
      },
    });

    const state = await app.inject({ method: 'GET', url: '/v1/readers/clinic' });
    expect(state.json().step).toBe('result');
    const removed = await app.inject({ method: 'DELETE', url: '/v1/readers/clinic/card' });
    expect(removed.json().step).toBe('idle');
  });

  it('answers the first-use registration offer', async () => {
    await post('/v1/readers/pharmacy/card', { certificateSerial: 'NEW-0001' });
    await post('/v1/readers/pharmacy/pin', { pin: '1234' });
    const offered = await post('/v1/readers/pharmacy/consents', { pharmacists: true });
    expect(offered.json()).toMatchObject({
      step: 'registration-offer',
      allowedActions: ['registration', 'card-removed'],
    });
    const done = await post('/v1/readers/pharmacy/registration', { accept: true });
    expect(done.json()).toMatchObject({ step: 'result' });
    expect(fixture.fake.cards.get('NEW-0001')).toBe('registered');
  });

  it('keeps a locked card locked (200 with the failure), and refuses further PINs (409)', async () => {
    await post('/v1/readers/hospital/card', { certificateSerial: 'REGISTERED-0002', pin: '5555' });
    for (const pin of ['0000', '0001']) await post('/v1/readers/hospital/pin', { pin });
    const locked = await post('/v1/readers/hospital/pin', { pin: '0002' });
    expect(locked.statusCode).toBe(200);
    expect(locked.json()).toMatchObject({ step: 'failed', failure: { code: 'CARD_LOCKED' } });
    const again = await post('/v1/readers/hospital/pin', { pin: '5555' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'INVALID_STEP' });
    expect((await fixture.cards.get('REGISTERED-0002'))?.locked).toBe(true);
  });

  it('answers bad input with a stable code and the field', async () => {
    const unknown = await post('/v1/readers/nope/card', { certificateSerial: 'X' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'READER_NOT_FOUND', field: 'id' });

    const notPlaced = await post('/v1/readers/clinic/face', { similarity: 0.9 });
    expect(notPlaced.statusCode).toBe(409);
    expect(notPlaced.json().code).toBe('INVALID_STEP');

    await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0001' });
    const pin = await post('/v1/readers/clinic/pin', { pin: '12' });
    expect(pin.statusCode).toBe(400);
    expect(pin.json()).toMatchObject({ code: 'INVALID_PIN_FORMAT', field: 'pin' });

    const similarity = await post('/v1/readers/clinic/face', { similarity: 2 });
    expect(similarity.statusCode).toBe(400);
    expect(similarity.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'similarity' });

    const broken = await app.inject({
      method: 'POST',
      url: '/v1/readers/clinic/face',
      headers: { 'content-type': 'application/json' },
      payload: '{"similarity":',
    });
    expect(broken.statusCode).toBe(400);

    const consents = await post('/v1/readers/clinic/face', { similarity: 0.9 }).then(() =>
      post('/v1/readers/clinic/consents', { pharmacists: true }),
    );
    expect(consents.statusCode).toBe(400);
    expect(consents.json().code).toBe('CONSENT_ANSWER_MISSING');
  });

  it('changes the face threshold and consent screens between patients', async () => {
    const changed = await app.inject({
      method: 'PUT',
      url: '/v1/readers/clinic/settings',
      payload: { faceThreshold: 0.95, enabledConsents: ['pharmacists'] },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ faceThreshold: 0.95, consentScreens: ['pharmacists'] });
    await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0001' });
    const face = await post('/v1/readers/clinic/face', { similarity: 0.9 });
    expect(face.json().notice.code).toBe('FACE_MISMATCH');

    const busy = await app.inject({
      method: 'PUT',
      url: '/v1/readers/clinic/settings',
      payload: { faceThreshold: 0.5 },
    });
    expect(busy.statusCode).toBe(409);
    const bad = await app.inject({
      method: 'PUT',
      url: '/v1/readers/pharmacy/settings',
      payload: { enabledConsents: ['gossip'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });

  it('runs a scenario and rejects a malformed one with the field', async () => {
    const report = await post('/v1/scenarios', {
      name: 'visual check',
      reader: 'hospital',
      steps: [
        { place: 'REGISTERED-0001' },
        { visual: true },
        { expect: { step: 'result', validity: '1' } },
      ],
    });
    expect(report.statusCode).toBe(200);
    expect(report.json()).toMatchObject({ passed: true });

    const bad = await post('/v1/scenarios', { name: 'x', reader: 'clinic', steps: [{ fly: 1 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_SCENARIO', field: 'steps.0' });
  });

  it('lists readers and models, and serves the OpenAPI document', async () => {
    const readers = await app.inject({ method: 'GET', url: '/v1/readers' });
    expect(readers.json().readers.map((r: { id: string }) => r.id)).toEqual([
      'clinic',
      'pharmacy',
      'hospital',
    ]);
    const models = await app.inject({ method: 'GET', url: '/v1/reader-models' });
    expect(models.json().models).toHaveLength(4);
    const openapi = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(openapi.json().paths)).toContain('/v1/readers/{id}/face');
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    expect(docs.statusCode).toBeLessThan(400);
  });

  it('documents every route with a summary and a response schema per status (no "Default Response")', async () => {
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths).length).toBeGreaterThanOrEqual(13);
    expect(undocumentedOperations(openapi)).toEqual([]);
  });

  it("shows the reader's screen in Japanese in every view", async () => {
    const idle = (await app.inject({ method: 'GET', url: '/v1/readers/clinic' })).json();
    expect(idle.screen).toEqual({ title: 'マイナンバーカードを置いてください', lines: [] });
    const placed = await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0001' });
    expect(placed.json()).toMatchObject({
      pinEntry: 'device',
      screen: { title: '本人確認の方法を選んでください' },
    });
    const wrong = await post('/v1/readers/clinic/face', { similarity: 2 });
    expect(wrong.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const early = await post('/v1/readers/clinic/registration', { accept: true });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toBe('「本人確認」の画面では、利用登録の回答はできません');
  });

  it('takes no PIN on the device of a model without a PIN pad; its terminal takes it', async () => {
    await post('/v1/readers/pharmacy/card', { certificateSerial: 'REGISTERED-0001', pin: '4321' });
    const onDevice = await post('/v1/readers/pharmacy/pin', { pin: '4321', on: 'device' });
    expect(onDevice.statusCode).toBe(409);
    expect(onDevice.json()).toMatchObject({ code: 'METHOD_NOT_SUPPORTED', field: 'on' });
    expect(fixture.emulator.readers.get('pharmacy')!.state.card?.failedPinAttempts).toBe(0);
    const onTerminal = await post('/v1/readers/pharmacy/pin', { pin: '4321' });
    expect(onTerminal.json()).toMatchObject({ step: 'consents', pinEntry: 'terminal' });
    // A model with a pad takes it on the device.
    await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0002', pin: '4321' });
    const clinic = await post('/v1/readers/clinic/pin', { pin: '4321', on: 'device' });
    expect(clinic.json()).toMatchObject({ step: 'consents' });
  });

  it("unlocks a locked card (the municipal office's reset) over the control API", async () => {
    expect((await post('/v1/cards/NEVER-SEEN/unlock', {})).statusCode).toBe(404);
    await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0003', pin: '4321' });
    for (const pin of ['0000', '0000', '0000']) await post('/v1/readers/clinic/pin', { pin });
    await app.inject({ method: 'DELETE', url: '/v1/readers/clinic/card' });
    const locked = await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0003' });
    expect(locked.json()).toMatchObject({ step: 'failed', failure: { code: 'CARD_LOCKED' } });
    await app.inject({ method: 'DELETE', url: '/v1/readers/clinic/card' });
    expect((await post('/v1/cards/REGISTERED-0003/unlock', { newPin: '12' })).statusCode).toBe(400);
    const unlocked = await post('/v1/cards/REGISTERED-0003/unlock', { newPin: '5678' });
    expect(unlocked.json()).toEqual({
      certificateSerial: 'REGISTERED-0003',
      pinTriesLeft: 3,
      locked: false,
    });
    await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0003' });
    expect((await post('/v1/readers/clinic/pin', { pin: '5678' })).json()).toMatchObject({
      step: 'consents',
    });
    // Without a new PIN the PIN stays as it was.
    expect((await post('/v1/cards/REGISTERED-0003/unlock', {})).statusCode).toBe(200);
  });

  it('logs no PIN, card holder data or result', async () => {
    await post('/v1/readers/clinic/card', { certificateSerial: 'REGISTERED-0001', pin: '9876' });
    await post('/v1/readers/clinic/pin', { pin: '9876' });
    await post('/v1/readers/clinic/consents', {
      specificHealthCheckups: true,
      pharmacists: true,
      diagnosis: true,
      operations: true,
      limitApplicationCertificate: true,
    });
    // Requests log their route pattern (packages/platform/src/logger.ts), never the concrete path.
    expect(logged).toContain('"url":"/v1/readers/:id/pin"');
    expect(logged).not.toContain('9876');
    expect(logged).not.toContain('資格 花子');
    expect(logged).not.toContain('19890913');
    expect(logged).not.toContain('1989-09-13');
  });
});
