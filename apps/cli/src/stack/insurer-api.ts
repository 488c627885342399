import { jstDate } from '@shikaku/core/clock';
import { choosePolicy, policyEraNames } from '@shikaku/core/policy-eras';
import { buildApp } from '@shikaku/insurer-api/app';
import { readInsurerApiConfig } from '@shikaku/insurer-api/config';
import { storedInsurerNumbers } from '@shikaku/db/intermediate/seed-load';
import { seedMembers } from '@shikaku/insurer-api/seed';
import type { StackComponent } from './component.js';
import { insurerKeys } from './kept-credentials.js';

/** Insurer credentials printed in the notes; all of them go to a file in the data dir. */
const PRINTED_CREDENTIALS = 3;

/**
 * The intermediate server in the stack: members of the synthetic population registered by their
 * insurers, a key per insurer (kept across restarts of a lasting database), the J-LIS queue and re-match jobs running against the jlis
 * component.
 */
export const insurerApiComponent: StackComponent = {
  name: 'insurer-api',
  title: 'Intermediate server (member registration, mis-entry checks, outbox)',
  portOffset: 1,
  async start(context, port) {
    const defaults = readInsurerApiConfig({
      SHIKAKU_SERVICE_KEY: context.secrets.serviceKey,
      PERSON_REF_SECRET: context.secrets.personRefSecret,
    });
    // The date picks the rules (each from its own day), unless --policy pins an era.
    const choice = choosePolicy(jstDate(context.clock.now()), context.policy);
    if (!choice) {
      throw new Error(
        `unknown policy ${JSON.stringify(context.policy)}; one of ${policyEraNames().join(', ')}`,
      );
    }
    const config = {
      ...defaults,
      policy: choice.policy,
      host: context.host,
      port,
      jlis: { ...defaults.jlis, url: context.urls['jlis'] ?? defaults.jlis.url },
    };
    // A restarted stack keeps its members: their insurers keep their keys (or get fresh ones)
    // without the population being generated again.
    const stored = await storedInsurerNumbers(context.handle);
    const insurerNumbers = new Set<string>(stored);
    if (stored.length === 0)
      for (const person of context.population) insurerNumbers.add(person.insurerNumber);
    const keys = await context.phase('issue insurer keys', () =>
      insurerKeys({
        handle: context.handle,
        dataDir: context.dataDir,
        persistent: context.persistent,
        insurerNumbers,
        at: context.clock.now(),
      }),
    );
    const credentials = keys.credentials;
    // Insurers first: the members' outbox events carry the insurer's name.
    const seeded = await context.phase('seed members', () =>
      seedMembers(context.handle, context.population, {
        personRefSecret: config.personRefSecret,
        at: context.clock.now(),
      }),
    );
    if (seeded.seeded && context.bulkSeed) context.seedHandOff.seededOutbox = true;
    const app = await buildApp(config, {
      handle: context.handle,
      clock: context.clock,
      logger: context.logger,
    });
    const url = await app.listen({ host: context.host, port });
    return {
      url,
      notes: [
        `${seeded.members} members${seeded.seeded ? ' seeded' : ''} of ${credentials.length} insurers; docs ${url}/docs`,
        `policy ${choice.era.name} in force from ${choice.era.from} (${choice.source === 'pinned' ? 'pinned with --policy' : `picked by the date ${jstDate(context.clock.now())}`}): ${choice.era.title}`,
        ...credentials
          .slice(0, PRINTED_CREDENTIALS)
          .map((c) => `insurer ${c.insurerNumber} ${c.name}: Authorization: Bearer ${c.key}`),
        `all ${credentials.length} insurer keys (${keys.kept} kept, ${keys.issued} new): ${keys.file}`,
        `register: POST ${url}/v1/registrations (JSON) or /v1/registrations/bulk (text/csv, application/x-ndjson)`,
      ],
      close: () => app.close(),
    };
  },
};
