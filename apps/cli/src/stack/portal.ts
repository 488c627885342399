import { join } from 'node:path';
import { parseInstitutionCode } from '@shikaku/core/institution-code';
import { upsertInstitutionsInBulk } from '@shikaku/db/eligibility/seed-load';
import { clearPortalTables } from '@shikaku/db/portal/seed-reset';
import { DEFAULT_CONFIG as ELIGIBILITY_DEFAULTS } from '@shikaku/eligibility-api/config';
import { buildApp } from '@shikaku/portal/app';
import { readPortalConfig } from '@shikaku/portal/config';
import { startPortalJobs } from '@shikaku/portal/jobs/scheduler';
import { DEMO_PASSWORD, isPortalSeeded, seedPortal } from '@shikaku/portal/seed';
import { directoryReceiptStore } from '@shikaku/portal/subsidy/receipt-store';
import { httpEligibilityClient } from '@shikaku/portal/usage/eligibility-client';
import { operatingInstitutionsToRegister } from '@shikaku/portal/usage/operating-sync';
import type { StackComponent, StackContext } from './component.js';

/** Synthetic institutions in the portal: 0.4% of the national 242,662 (about 970). */
const INSTITUTION_SCALE = 0.004;

/**
 * The portal in the stack: its clock is the stack's (--as-of), usage approvals call
 * eligibility-api when it runs, mail stays in the outbox (read on /mailbox), receipts go under the
 * data dir, and an empty portal is seeded with institutions in every state and demo accounts.
 */
export const portalComponent: StackComponent = {
  name: 'portal',
  title: 'Portal for institutions (readers, usage, subsidies, dashboard, FAQ)',
  portOffset: 0,
  async start(context, port) {
    const base = readPortalConfig({});
    const eligibilityUrl = context.urls['eligibility-api'];
    const config = {
      ...base,
      host: context.host,
      port,
      asOf: context.asOf,
      uploadDir: join(context.dataDir, 'portal', 'receipts'),
      eligibilityApiUrl: eligibilityUrl,
      serviceKey: context.secrets.serviceKey,
      // Mail stays in the outbox; the stack (only) lets developers read it here.
      mailbox: true,
      // Jobs look every 10 s so an --as-of stack shows the deadline job's work quickly.
      jobIntervalMs: 10_000,
    };
    const notes: string[] = [];
    if (!(await isPortalSeeded(context.handle))) {
      const seeded = await context.phase('seed institutions', async () => {
        // What a stack killed while seeding the portal wrote (its seed is many transactions); the
        // stack's database is its own, and the portal listens only once seeded.
        await clearPortalTables(context.handle);
        return seedPortal(context.handle, context.clock, {
          seed: context.seed,
          scale: INSTITUTION_SCALE,
        });
      });
      notes.push(
        `seeded ${seeded.institutions} institutions; demo logins (password ${DEMO_PASSWORD}):`,
      );
      for (const a of seeded.accounts) notes.push(`  ${a.email.padEnd(34)} ${a.state}`);
    } else {
      notes.push(
        `demo logins as seeded before (password ${DEMO_PASSWORD}), e.g. operator@shikaku.example`,
      );
    }
    const eligibility = eligibilityUrl
      ? httpEligibilityClient(eligibilityUrl, context.secrets.serviceKey)
      : undefined;
    if (eligibility) {
      // The seed marks institutions operating without the approval route that registers them
      // with eligibility-api; without this their credential page answers 503.
      const registered = await context.phase('register operating institutions', () =>
        registerOperatingInstitutions(context),
      );
      notes.push(`${registered} operating institutions registered with eligibility-api`);
    }
    const app = await buildApp(config, {
      handle: context.handle,
      clock: context.clock,
      logger: context.logger,
      receipts: directoryReceiptStore(config.uploadDir),
      ...(eligibility ? { eligibility } : {}),
    });
    const jobs = startPortalJobs({
      handle: context.handle,
      clock: context.clock,
      intervalMs: config.jobIntervalMs,
      logger: context.logger,
    });
    // A move of the stack clock (shikaku clock advance) runs the deadline job before it answers.
    const stopFollowingClock = context.clock.onAdvance(() => jobs.runOnce());
    const url = await app.listen({ host: context.host, port });
    // Links in mail point at the address the portal really got (--port 0 picks a free one).
    config.publicUrl = url;
    notes.push(
      `mailbox ${url}/mailbox, FAQ ${url}/faq, operator dashboard ${url}/operator`,
      eligibilityUrl
        ? `usage approvals issue credentials from ${eligibilityUrl}`
        : 'no eligibility-api in this stack: usage approvals answer 503',
    );
    return {
      url,
      notes,
      close: async () => {
        stopFollowingClock();
        await jobs.stop();
        await app.close();
      },
    };
  },
};

/**
 * Registers every operating institution with eligibility-api as its approval route would (an
 * upsert: a restart changes nothing), in one statement in the database the stack's apps share,
 * instead of one internal HTTP call per institution. Returns how many.
 */
async function registerOperatingInstitutions(context: StackContext): Promise<number> {
  const at = context.clock.now();
  const institutions = await operatingInstitutionsToRegister(context.handle, at);
  return upsertInstitutionsInBulk(
    context.handle,
    institutions.map((institution) => {
      // What the internal endpoint refuses (400) is refused here too.
      const parsed = parseInstitutionCode(institution.institutionCode);
      if (!parsed.ok) throw new Error(`portal: ${parsed.message} (${institution.institutionCode})`);
      return {
        ...institution,
        institutionCode: parsed.value.institutionCode,
        rateLimitPerSecond: ELIGIBILITY_DEFAULTS.rateLimitPerSecond,
      };
    }),
    at,
  );
}
