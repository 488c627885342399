import { join } from 'node:path';
import { jstDate } from '@shikaku/core/clock';
import { buildApp } from '@shikaku/reader-emulator/app';
import { fileCardStore } from '@shikaku/reader-emulator/card-store';
import type { ReaderConfig } from '@shikaku/reader-emulator/config';
import { createEmulator } from '@shikaku/reader-emulator/emulator';
import type { ConsentScreen } from '@shikaku/reader-emulator/reader-models';
import { generateInstitutions, type SyntheticInstitution } from '@shikaku/synth/institutions';
import { generatePopulation } from '@shikaku/synth/population';
import type { StackComponent, StackContext } from './component.js';
import { institutionCredential } from './kept-credentials.js';
import {
  practitionerNote,
  registerSamplePractitioner,
  type SamplePractitioner,
} from './practitioners.js';

/**
 * The reader emulator in the stack: one reader per facility type (hospital, clinic, dental clinic,
 * pharmacy), each at an institution of the seeded population, registered with eligibility-api
 * through its internal endpoints (as the portal does on usage approval) to get credentials.
 * Terminal folders and the cards' PIN counters live under the stack's data dir.
 */

const READERS: ReadonlyArray<{
  facilityType: SyntheticInstitution['facilityType'];
  modelId: string;
  consents: ConsentScreen[];
}> = [
  {
    facilityType: 'hospital',
    modelId: 'panasonic',
    consents: [
      'specificHealthCheckups',
      'pharmacists',
      'diagnosis',
      'operations',
      'limitApplicationCertificate',
    ],
  },
  {
    facilityType: 'clinic',
    modelId: 'fujitsu',
    consents: ['specificHealthCheckups', 'pharmacists', 'limitApplicationCertificate'],
  },
  { facilityType: 'dental', modelId: 'canon', consents: ['specificHealthCheckups', 'pharmacists'] },
  { facilityType: 'pharmacy', modelId: 'almex', consents: ['pharmacists'] },
];

export const readerEmulatorComponent: StackComponent = {
  name: 'reader-emulator',
  title: 'Face-authentication card reader emulator (control API, terminal file interface)',
  portOffset: 4,
  async start(context, port) {
    const eligibilityUrl = context.urls['eligibility-api'];
    if (!eligibilityUrl) {
      throw new Error('reader-emulator needs eligibility-api: start it too (or drop --only)');
    }
    const institutions = pickInstitutions(context.seed);
    const dataDir = join(context.dataDir, 'reader-emulator');
    const configs: ReaderConfig[] = [];
    const practitioners: SamplePractitioner[] = [];
    for (const reader of READERS) {
      const institution = institutions.get(reader.facilityType)!;
      const credentials = await provision(context, eligibilityUrl, institution);
      // Each institution's terminal views drug and checkup information as a registered practitioner.
      practitioners.push(
        await registerSamplePractitioner({
          eligibilityUrl,
          serviceKey: context.secrets.serviceKey,
          dataDir: context.dataDir,
          institutionCode: institution.institutionCode,
          facilityType: institution.facilityType,
          now: context.clock.now(),
        }),
      );
      configs.push({
        id: reader.facilityType,
        modelId: reader.modelId,
        institutionCode: institution.institutionCode,
        enabledConsents: reader.consents,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        requestDir: join(dataDir, reader.facilityType, 'requests'),
        responseDir: join(dataDir, reader.facilityType, 'responses'),
      });
    }
    const emulator = createEmulator(configs, {
      cards: fileCardStore(join(dataDir, 'cards.json')),
      clock: context.clock,
      logger: context.logger,
      eligibilityUrl,
    });
    const app = await buildApp(
      { docs: true },
      {
        emulator,
        logger: context.logger,
        cardKeySecret: context.secrets.cardKeySecret,
        // The citizen's sign-in page (eligibility-api's) may have the card sign (CORS).
        citizenOrigin: new URL(eligibilityUrl).origin,
      },
    );
    await emulator.start();
    const url = await app.listen({ host: context.host, port });
    const cards = sampleCards(context);
    return {
      url,
      notes: [
        `docs ${url}/docs; terminal UI: node apps/reader-emulator/dist/tui.js --url ${url}`,
        ...configs.map(
          (c) =>
            `reader ${c.id} (${c.modelId}, institution ${c.institutionCode}): requests ${c.requestDir} → responses ${c.responseDir}`,
        ),
        ...practitioners.map((p) => practitionerNote(p, context.dataDir)),
        ...(cards.registered ? [`card registered for insurance use: ${cards.registered}`] : []),
        ...(cards.unregistered ? [`card not yet registered: ${cards.unregistered}`] : []),
        'new cards get PIN 1234',
      ],
      close: () => app.close(),
    };
  },
};

function pickInstitutions(seed: number): Map<string, SyntheticInstitution> {
  const byType = new Map<string, SyntheticInstitution>();
  for (const institution of generateInstitutions({ seed, scale: 1e-5 })) {
    if (!byType.has(institution.facilityType)) byType.set(institution.facilityType, institution);
  }
  return byType;
}

/**
 * Registers the reader's institution and gives it a credential: the one kept from an earlier run
 * while it still logs in, else a new one from eligibility-api.
 */
async function provision(
  context: StackContext,
  eligibilityUrl: string,
  institution: SyntheticInstitution,
): Promise<{ clientId: string; clientSecret: string }> {
  const headers = {
    'content-type': 'application/json',
    'x-service-key': context.secrets.serviceKey,
  };
  const created = await fetch(`${eligibilityUrl}/v1/internal/institutions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      institutionCode: institution.institutionCode,
      facilityType: institution.facilityType,
      name: institution.name,
    }),
  });
  // 409: the eligibility-api seeding registered it already.
  if (!created.ok && created.status !== 409) {
    throw new Error(
      `reader-emulator: eligibility-api refused institution ${institution.institutionCode} (HTTP ${created.status})`,
    );
  }
  return institutionCredential({
    handle: context.handle,
    dataDir: context.dataDir,
    persistent: context.persistent,
    institutionCode: institution.institutionCode,
    now: context.clock.now(),
    issue: async () => {
      const credential = await fetch(
        `${eligibilityUrl}/v1/internal/institutions/${institution.institutionCode}/credentials`,
        { method: 'POST', headers, body: '{}' },
      );
      const body = (await credential.json()) as { clientId?: string; clientSecret?: string };
      if (!credential.ok || !body.clientId || !body.clientSecret) {
        throw new Error(
          `reader-emulator: no credential for ${institution.institutionCode} (HTTP ${credential.status})`,
        );
      }
      return { clientId: body.clientId, clientSecret: body.clientSecret };
    },
  });
}

/** Two valid cards of the seeded population to try on the readers: one linked, one not yet. */
function sampleCards(context: StackContext): { registered?: string; unregistered?: string } {
  const found: { registered?: string; unregistered?: string } = {};
  const asOf = context.asOf ?? jstDate(context.clock.now());
  let seen = 0;
  for (const person of generatePopulation({ seed: context.seed, size: context.members, asOf })) {
    if (++seen > 5_000 || (found.registered && found.unregistered)) break;
    if (person.card?.status !== 'valid') continue;
    if (person.card.linkedForInsurance) found.registered ??= person.card.certificateSerial;
    else found.unregistered ??= person.card.certificateSerial;
  }
  return found;
}
