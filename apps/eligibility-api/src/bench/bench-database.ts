// The database both eligibility benchmarks (main.ts, overload.ts) measure against: synthetic
// qualifications up to `members` (loaded in chunks, only what is missing), one clinic with an
// unlimited rate and the benchmark's client credential.
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { openDatabase } from '@shikaku/db/database';
import { insertCredential, upsertInstitution } from '@shikaku/db/eligibility/institutions';
import { countQualifications } from '@shikaku/db/eligibility/qualifications';
import {
  analyzeQualifications,
  loadSyntheticQualifications,
} from '@shikaku/db/eligibility/synthetic-load';
import { migrateToLatest } from '@shikaku/db/migrate';
import { hashSecret } from '../auth.js';

// 50 valid insurer numbers (Luhn check digit from core), like a prefecture's mix of insurers.
export const BENCH_INSURERS = Array.from({ length: 50 }, (_, k) =>
  insurerNumberFromBody(`01${String(1 + (k % 47)).padStart(2, '0')}${String(k).padStart(3, '0')}`),
);
export const BENCH_INSTITUTION = '0110113719';

export async function prepareBenchDatabase(options: {
  databaseUrl: string;
  members: number;
  client: { clientId: string; clientSecret: string };
  institutionName: string;
  onProgress?: (event: { have: number; to: number }) => void;
}): Promise<void> {
  const handle = await openDatabase({ url: options.databaseUrl, poolSize: 4 });
  try {
    await migrateToLatest(handle, ['eligibility']);
    const have = await countQualifications(handle);
    if (have < options.members) {
      const chunk = 500_000;
      for (let from = have + 1; from <= options.members; from += chunk) {
        const to = Math.min(options.members, from + chunk - 1);
        await loadSyntheticQualifications(handle, { from, to, insurers: BENCH_INSURERS });
        options.onProgress?.({ have, to });
      }
      await analyzeQualifications(handle);
    }
    const at = new Date();
    await upsertInstitution(
      handle,
      {
        institutionCode: BENCH_INSTITUTION,
        facilityType: 'clinic',
        name: options.institutionName,
        rateLimitPerSecond: 10_000_000,
      },
      at,
    );
    await insertCredential(
      handle,
      {
        clientId: options.client.clientId,
        institutionCode: BENCH_INSTITUTION,
        secretHash: hashSecret(options.client.clientSecret),
      },
      at,
    ).catch(() => undefined); // there from an earlier run
  } finally {
    await handle.close();
  }
}
