import { jstDate } from '@shikaku/core/clock';
import { loadOutboxIntoEmptyStore } from '@shikaku/db/eligibility/seed-load';
import { insertCredential, upsertInstitution } from '@shikaku/db/eligibility/institutions';
import { buildApp } from '@shikaku/eligibility-api/app';
import { hashSecret, newClientCredential } from '@shikaku/eligibility-api/auth';
import { linkRegisteredCards } from '@shikaku/eligibility-api/card-seeding';
import { DEFAULT_CONFIG, type EligibilityConfig } from '@shikaku/eligibility-api/config';
import { createOutboxRelay, OUTBOX_CONSUMER } from '@shikaku/eligibility-api/outbox-relay';
import { httpUpstreams } from '@shikaku/eligibility-api/upstream';
import { generatePopulation } from '@shikaku/synth/population';
import type { StackComponent, StackContext } from './component.js';
import { institutionCredential } from './kept-credentials.js';
import { practitionerNote, registerSamplePractitioner } from './practitioners.js';
import { readerEmulatorComponent } from './reader-emulator.js';

/** A demo clinic with a credential (kept across restarts of a lasting database). */
const DEMO_INSTITUTION = {
  institutionCode: '0110113719',
  facilityType: 'clinic',
  name: 'デモ診療所',
};
/** Cards of the seeded population already registered for insurance use that get linked at start. */
const LINKED_CARDS = 500;

/**
 * eligibility-api in the stack: pulls the qualification outbox of insurer-api (drained once before
 * it listens, then polled), links the seeded population's registered cards through insurer-api in
 * the background, and gives the demo clinic a credential.
 */
export const eligibilityApiComponent: StackComponent = {
  name: 'eligibility-api',
  title: 'Eligibility confirmation (spec-compatible /oqs-api-pro, REST /v1), consents, access log',
  portOffset: 2,
  async start(context, port) {
    const config: EligibilityConfig = {
      ...DEFAULT_CONFIG,
      serviceKey: context.secrets.serviceKey,
      tokenSecret: context.secrets.tokenSecret,
      host: context.host,
      port,
      insurerApiUrl: context.urls['insurer-api'],
      jlisUrl: context.urls['jlis'],
      // The citizen's sign-in page has the card sign through the card client on the citizen's
      // machine: the stack's reader emulator, at its port (unknown with --port 0: no card client).
      citizenCardUrl:
        port > 0
          ? `http://${context.host}:${port - eligibilityApiComponent.portOffset + readerEmulatorComponent.portOffset}`
          : undefined,
      asOf: context.asOf,
      // Every app of the stack shares one event loop: seeding or an insurer's bulk file would make
      // eligibility-api refuse confirmations by the event-loop bound, so only the in-flight and
      // pool bounds apply here.
      loadShedding: { ...DEFAULT_CONFIG.loadShedding, maxEventLoopDelayMs: 0 },
    };
    const upstreams = httpUpstreams(config);
    const app = await buildApp(config, {
      handle: context.handle,
      clock: context.clock,
      logger: context.logger,
      upstreams,
      seed: context.seed,
    });
    const relay = createOutboxRelay({
      handle: context.handle,
      upstreams,
      clock: context.clock,
      logger: context.logger,
      pollMs: config.outboxPollMs,
    });
    const notes: string[] = [];
    if (config.insurerApiUrl) {
      // insurer-api seeded its outbox just now: one statement in the shared database fills the
      // empty store (the rows and cursor the relay would leave), the relay finds nothing left.
      const bulk = context.seedHandOff.seededOutbox
        ? await context.phase('load seeded qualifications', () =>
            loadOutboxIntoEmptyStore(context.handle, OUTBOX_CONSUMER, context.clock.now()),
          )
        : 0;
      const applied = await context
        .phase('drain outbox', () => relay.drain())
        .catch((err: unknown) => {
          context.logger.warn({ err }, 'first outbox drain failed; the relay keeps trying');
          return 0;
        });
      notes.push(
        `qualification outbox: ${bulk > 0 ? `${bulk} seeded events bulk-loaded, ` : ''}${applied} events applied, polling every ${config.outboxPollMs} ms`,
      );
      relay.start();
    } else {
      notes.push('no insurer-api in this stack: the eligibility store stays empty');
    }
    const at = context.clock.now();
    await upsertInstitution(
      context.handle,
      { ...DEMO_INSTITUTION, rateLimitPerSecond: config.rateLimitPerSecond },
      at,
    );
    const credential = await institutionCredential({
      handle: context.handle,
      dataDir: context.dataDir,
      persistent: context.persistent,
      institutionCode: DEMO_INSTITUTION.institutionCode,
      now: at,
      issue: async () => {
        const issued = newClientCredential();
        await insertCredential(
          context.handle,
          {
            ...issued,
            institutionCode: DEMO_INSTITUTION.institutionCode,
            secretHash: hashSecret(issued.clientSecret),
          },
          at,
        );
        return issued;
      },
    });
    const url = await app.listen({ host: context.host, port });
    const practitioner = await registerSamplePractitioner({
      eligibilityUrl: url,
      serviceKey: config.serviceKey,
      dataDir: context.dataDir,
      institutionCode: DEMO_INSTITUTION.institutionCode,
      facilityType: DEMO_INSTITUTION.facilityType,
      now: context.clock.now(),
    });
    const linking = config.insurerApiUrl
      ? linkRegisteredCards(
          context.handle,
          upstreams,
          context.clock,
          registeredCards(context),
          DEMO_INSTITUTION.institutionCode,
        )
          .then((linked) => context.logger.info({ linked }, 'registered cards linked'))
          .catch((err: unknown) => context.logger.warn({ err }, 'linking registered cards failed'))
      : Promise.resolve();
    notes.push(
      `docs ${url}/docs, OpenAPI ${url}/openapi.json`,
      `citizen pages (マイナポータル): ${url}/citizen/login (a card of the reader emulator, PIN 1234)`,
      `demo clinic ${DEMO_INSTITUTION.institutionCode} (${credential.kept ? 'kept' : 'new'} credential): clientId ${credential.clientId} clientSecret ${credential.clientSecret}`,
      `login: POST ${url}/oqs-api-pro/MSA12020/ILI12020SV01/auth {clientId, clientSecret}`,
      practitionerNote(practitioner, context.dataDir),
      `internal endpoints (${url}/v1/internal/*): x-service-key: ${config.serviceKey}`,
    );
    return {
      url,
      notes,
      settled: linking,
      close: async () => {
        await relay.stop();
        await linking;
        await app.close();
      },
    };
  },
};

/** Certificate serials of the first valid, registered cards of the seeded population. */
function registeredCards(context: StackContext): string[] {
  const serials: string[] = [];
  const asOf = context.asOf ?? jstDate(context.clock.now());
  for (const person of generatePopulation({ seed: context.seed, size: context.members, asOf })) {
    if (serials.length >= LINKED_CARDS) break;
    if (person.card?.status === 'valid' && person.card.linkedForInsurance)
      serials.push(person.card.certificateSerial);
  }
  return serials;
}
