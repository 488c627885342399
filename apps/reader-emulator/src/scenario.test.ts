import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from './scenario.js';
import { type EmulatorFixture, startEmulatorFixture } from './testing/emulator-fixture.js';

const SCENARIOS = new URL('../scenarios/', import.meta.url).pathname;
const files = (await readdir(SCENARIOS)).filter((f) => f.endsWith('.yaml')).sort();

describe('scripted scenarios against a fake eligibility-api', () => {
  let fixture: EmulatorFixture;
  beforeEach(async () => {
    fixture = await startEmulatorFixture();
  });
  afterEach(async () => fixture.close());

  it.each(files)('%s passes', async (file) => {
    const parsed = parseScenario(await readFile(join(SCENARIOS, file), 'utf8'));
    if (!parsed.ok) throw new Error(`${file}: ${parsed.field}: ${parsed.message}`);
    const report = await runScenario(parsed.scenario, fixture.emulator.readers, fixture.cards);
    expect(report.failure).toBeUndefined();
    expect(report.passed).toBe(true);
  });

  it('fails a scenario whose expectation is not met, naming the step', async () => {
    const parsed = parseScenario(
      'name: wrong\nreader: clinic\nsteps:\n  - place: REGISTERED-0001\n  - face: 0.5\n  - expect: { step: consents }\n',
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const report = await runScenario(parsed.scenario, fixture.emulator.readers, fixture.cards);
    expect(report.passed).toBe(false);
    expect(report.failure).toEqual({
      index: 2,
      message: 'expected step consents, got authenticating',
    });
  });

  it('fails a scenario whose action is rejected without an expectation of it', async () => {
    const parsed = parseScenario('{"name":"x","reader":"clinic","steps":[{"face":0.9}]}');
    if (!parsed.ok) throw new Error(parsed.message);
    const report = await runScenario(parsed.scenario, fixture.emulator.readers, fixture.cards);
    expect(report).toMatchObject({ passed: false, failure: { message: 'rejected: INVALID_STEP' } });
  });

  it('sends the verification method and consents, never anything but the certificate serial', async () => {
    const parsed = parseScenario(await readFile(join(SCENARIOS, 'face-match.yaml'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    await runScenario(parsed.scenario, fixture.emulator.readers, fixture.cards);
    const confirmation = fixture.fake.requests.find((r) => r.url === '/v1/card-confirmations');
    expect(confirmation?.authorization).toBe('Bearer id-token-1');
    expect(confirmation?.body).toEqual({
      certificateSerial: 'REGISTERED-0001',
      verificationMethod: 'face',
      consents: {
        specificHealthCheckups: true,
        pharmacists: true,
        diagnosis: false,
        operations: false,
        limitApplicationCertificate: true,
      },
    });
  });

  it('shows UPSTREAM_UNAVAILABLE when eligibility-api is down', async () => {
    const reader = fixture.emulator.readers.get('hospital')!;
    await reader.placeCard('REGISTERED-0001');
    fixture.fake.failNext(5);
    const result = await reader.dispatch({ type: 'face', similarity: 0.9 });
    expect(result.ok && result.state.failure?.code).toBe('UPSTREAM_UNAVAILABLE');
  });
});

describe('scenario files', () => {
  it('rejects a malformed scenario with the field', () => {
    expect(parseScenario('name: x\nreader: clinic\nsteps:\n  - fly: true\n')).toMatchObject({
      ok: false,
      field: 'steps.0',
    });
    expect(parseScenario('{ not yaml: [')).toMatchObject({ ok: false });
    expect(parseScenario('name: x\nreader: clinic\nsteps: []\n')).toMatchObject({
      ok: false,
      field: 'steps',
    });
  });
});
