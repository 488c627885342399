// What a practitioner proof adds to a drug / checkup view, on the database named first (PostgreSQL
// URL, or - for PGlite): verifyPractitionerProof (one read by serial, an ECDSA P-256 verify, one statement that
// records the nonce) against the view's own consent lookup (findConsent), in the same run,
// interleaved; the signature check alone beside them.
//   npx tsx --conditions=@shikaku/source src/practitioners/proof-bench.ts postgres://… [views]
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { verifyCardSignature } from '@shikaku/core/card-key';
import { practitionerProofMessage, signPractitionerProof } from '@shikaku/core/practitioner-proof';
import { openDatabase } from '@shikaku/db/database';
import { findConsent } from '@shikaku/db/eligibility/consents';
import { upsertInstitution } from '@shikaku/db/eligibility/institutions';
import { migrateToLatest } from '@shikaku/db/migrate';
import { verifyPractitionerProof } from './proof.js';
import { registerPractitioner } from './registry.js';

const [url_ = undefined, count = '2000'] = process.argv.slice(2);
const N = Number(count);
const handle = await openDatabase({ url: url_ === '-' ? undefined : url_ });
await migrateToLatest(handle);
const now = new Date();
const code = '0110113719';
await upsertInstitution(
  handle,
  { institutionCode: code, facilityType: 'clinic', name: 'bench', rateLimitPerSecond: 1000 },
  now,
);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const serial = `HPKI-BENCH-${now.getTime()}`;
await registerPractitioner(
  handle,
  code,
  {
    name: 'bench',
    role: 'doctor',
    certificateSerial: serial,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    validFrom: new Date(now.getTime() - 86_400_000).toISOString(),
    validTo: new Date(now.getTime() + 86_400_000).toISOString(),
  },
  now,
);
const url = '/v1/consents/c-bench/drug-information';
const proofs = Array.from({ length: N }, (_, i) => ({
  method: 'GET',
  url,
  headers: signPractitionerProof(privateKey, {
    method: 'GET',
    path: url,
    institutionCode: code,
    certificateSerial: serial,
    timestamp: now.toISOString(),
    nonce: `bench-${now.getTime()}-${String(i).padStart(8, '0')}`,
  }),
}));
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
let proofMs = 0;
let consentMs = 0;
let signatureMs = 0;
for (let i = 0; i < N; i++) {
  const p = proofs[i]!.headers;
  const s = performance.now();
  verifyCardSignature(
    pem,
    practitionerProofMessage({
      method: 'GET',
      path: url,
      institutionCode: code,
      certificateSerial: serial,
      timestamp: p['x-practitioner-timestamp']!,
      nonce: p['x-practitioner-nonce']!,
    }),
    p['x-practitioner-signature']!,
  );
  signatureMs += performance.now() - s;
  const a = performance.now();
  await verifyPractitionerProof(handle, proofs[i]!, code, { now, wallMs: now.getTime() });
  const b = performance.now();
  await findConsent(handle, 'c-bench');
  consentMs += performance.now() - b;
  proofMs += b - a;
}
console.log(
  JSON.stringify({
    database: handle.kind,
    views: N,
    proofMeanUs: Math.round((proofMs / N) * 1000),
    consentLookupMeanUs: Math.round((consentMs / N) * 1000),
    signatureVerifyMeanUs: Math.round((signatureMs / N) * 1000),
    ratio: Number((proofMs / consentMs).toFixed(2)),
  }),
);
await handle.close();
