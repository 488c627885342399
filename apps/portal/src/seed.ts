// Seeds the portal for `shikaku stack`: the synthetic institutions (the same list every app derives
// from the seed) spread over the funnel along the 2021 campaign, and demo accounts whose
// applications are in every state. Runs only on an empty portal schema.
import type { Clock } from '@shikaku/core/clock';
import { calculateSubsidy } from '@shikaku/core/subsidy';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  insertAccount,
  insertInstitutions,
  registerInstitutionAccount,
} from '@shikaku/db/portal/accounts';
import { insertNotice } from '@shikaku/db/portal/mail';
import { changeReaderModel, createReaderApplication } from '@shikaku/db/portal/reader-applications';
import {
  createSubsidyApplication,
  submitSubsidyApplication,
} from '@shikaku/db/portal/subsidy-applications';
import {
  approveUsageApplication,
  submitUsageApplication,
} from '@shikaku/db/portal/usage-applications';
import type { FacilityTypeCode } from '@shikaku/db/portal/tables';
import { generateInstitutions, type SyntheticInstitution } from '@shikaku/synth/institutions';
import { ChunkRandom } from '@shikaku/synth/prng';
import { hashPassword } from './auth/passwords.js';
import { appliedDetail, modelChangeDetail } from './readers/text.js';

export const DEMO_PASSWORD = 'shikaku-demo-2021';

export interface SeedOptions {
  seed: number;
  /** Fraction of the national institution counts (1 = 242,662). */
  scale: number;
}

export interface SeedResult {
  institutions: number;
  accounts: Array<{ email: string; role: string; state: string }>;
}

const TYPE: Record<SyntheticInstitution['facilityType'], FacilityTypeCode> = {
  hospital: 'hospital',
  clinic: 'clinic',
  dental: 'dental-clinic',
  pharmacy: 'pharmacy',
};

const at = (iso: string) => new Date(`${iso}T10:00:00+09:00`);
const DAY = 86_400_000;

/**
 * The synthetic institutions as portal rows, with milestones spread over the campaign: ~75% apply
 * for readers by autumn 2021, most of those apply to use OQS within three months, and most of those
 * are operating a month or two later. Same seed, same rows.
 */
export function institutionRows(synthetic: readonly SyntheticInstitution[], seed: number) {
  const rnd = new ChunkRandom(seed, 0x9041);
  const campaignStart = at('2021-02-01').getTime();
  return synthetic.map((s) => {
    const applied = rnd.float() < 0.75 ? new Date(campaignStart + rnd.int(240) * DAY) : null;
    const usage =
      applied && rnd.float() < 0.7 ? new Date(applied.getTime() + (20 + rnd.int(90)) * DAY) : null;
    const operating =
      usage && rnd.float() < 0.75 ? new Date(usage.getTime() + (10 + rnd.int(60)) * DAY) : null;
    return {
      institutionCode: s.institutionCode,
      name: s.name,
      facilityType: TYPE[s.facilityType],
      largeChain: s.largeChainPharmacy,
      prefecture: String(s.prefecture).padStart(2, '0'),
      createdAt: at('2021-01-15'),
      readerAppliedAt: applied,
      usageAppliedAt: usage,
      operatingAt: operating,
    };
  });
}

/** The seed's last write: a portal that holds it holds the whole seed. */
const LAST_SEEDED_NOTICE = {
  title: '機種選定期限を2021年8月1日まで延長しました',
  body: '「機種未定」でお申し込みの医療機関・薬局の機種選定期限を、2021年6月30日から2021年8月1日まで延長しました。',
  publishedAt: at('2021-06-15'),
};

/**
 * Whether the portal holds the whole seed. seedPortal writes in many transactions, so a stack
 * killed while seeding leaves some rows without the last one: not seeded (the stack clears them
 * before it seeds again, clearPortalTables).
 */
export async function isPortalSeeded(handle: DatabaseHandle): Promise<boolean> {
  const row = await handle.db
    .selectFrom('portal.notices')
    .select('id')
    .where('title', '=', LAST_SEEDED_NOTICE.title)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function seedPortal(
  handle: DatabaseHandle,
  _clock: Clock,
  options: SeedOptions,
): Promise<SeedResult> {
  const synthetic = generateInstitutions({ seed: options.seed, scale: options.scale });
  const rows = institutionRows(synthetic, options.seed);
  for (let i = 0; i < rows.length; i += 500)
    await insertInstitutions(handle, rows.slice(i, i + 500));

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const accounts: SeedResult['accounts'] = [];
  const staff = async (email: string, role: 'operator' | 'callcentre', state: string) => {
    const account = await insertAccount(handle, {
      email,
      passwordHash,
      role,
      institutionCode: null,
      createdAt: at('2021-01-15'),
      emailVerifiedAt: at('2021-01-15'),
    });
    accounts.push({ email, role, state });
    return account;
  };
  const operator = await staff(
    'operator@shikaku.example',
    'operator',
    'operator (approvals, dashboard, notices)',
  );
  await staff('callcentre@shikaku.example', 'callcentre', 'call centre (model changes by phone)');

  // Demo institutions: fresh codes in prefecture 13 (Tokyo) that the synthetic list does not use.
  const demo = async (
    code: string,
    name: string,
    facilityType: FacilityTypeCode,
    largeChain: boolean,
    email: string,
    state: string,
  ) => {
    const account = await registerInstitutionAccount(
      handle,
      {
        institutionCode: code,
        name,
        facilityType,
        largeChain,
        prefecture: code.slice(0, 2),
        createdAt: at('2021-01-20'),
      },
      { email, passwordHash, createdAt: at('2021-01-20'), emailVerifiedAt: at('2021-01-20') },
    );
    accounts.push({ email, role: 'institution', state });
    return account;
  };
  await demo(
    '1319999999',
    'デモ新宿クリニック',
    'clinic',
    false,
    'clinic-new@shikaku.example',
    'registered, nothing applied',
  );
  await demo(
    '1319999981',
    'デモ渋谷内科',
    'clinic',
    false,
    'clinic-undecided@shikaku.example',
    '機種未定 application (2021-03-15), awaiting a model',
  );
  await createReaderApplication(handle, {
    institutionCode: '1319999981',
    model: null,
    quantity: 1,
    at: at('2021-03-15'),
    detail: appliedDetail(null, 1),
  });
  await demo(
    '1339999995',
    'デモ品川歯科',
    'dental-clinic',
    false,
    'dental-consult@shikaku.example',
    '機種未定 with a consultation (見積り未着)',
  );
  await createReaderApplication(handle, {
    institutionCode: '1339999995',
    model: null,
    quantity: 1,
    consultationReason: 'システム事業者から見積りが届いていない',
    at: at('2021-03-20'),
    detail: appliedDetail(null, 1),
  });
  await demo(
    '1319999973',
    'デモ中央病院',
    'hospital',
    false,
    'hospital@shikaku.example',
    '3 readers (model chosen by phone), usage submitted, subsidy submitted',
  );
  const hospitalApp = await createReaderApplication(handle, {
    institutionCode: '1319999973',
    model: null,
    quantity: 3,
    at: at('2021-02-10'),
    detail: appliedDetail(null, 3),
  });
  await changeReaderModel(handle, {
    id: hospitalApp.id,
    model: 'fujitsu',
    actor: 'callcentre',
    at: at('2021-05-12'),
    describe: modelChangeDetail('fujitsu'),
    staffNote: '電話受付',
  });
  await submitUsageApplication(handle, '1319999973', at('2021-06-01'));
  const computed = calculateSubsidy({ facilityType: 'hospital', readers: 3, cost: 2_500_000 });
  const hospitalSubsidy = computed.ok ? computed.value.subsidy : 0;
  const subsidy = await createSubsidyApplication(handle, {
    institutionCode: '1319999973',
    projectCost: 2_500_000,
    readers: 3,
    subsidyAmount: hospitalSubsidy,
    at: at('2021-07-01'),
  });
  await submitSubsidyApplication(handle, subsidy.id, at('2021-07-02'));
  await demo(
    '1349999993',
    'デモ目黒薬局',
    'pharmacy',
    true,
    'pharmacy@shikaku.example',
    'large-chain pharmacy: reader chosen, usage approved (operating)',
  );
  await createReaderApplication(handle, {
    institutionCode: '1349999993',
    model: 'panasonic',
    quantity: 1,
    at: at('2021-04-05'),
    detail: appliedDetail('panasonic', 1),
  });
  const usage = await submitUsageApplication(handle, '1349999993', at('2021-05-10'));
  if (usage)
    await approveUsageApplication(handle, {
      id: usage.id,
      operatorId: operator.id,
      at: at('2021-05-20'),
    });

  // Last: its presence tells a whole seed (isPortalSeeded).
  await insertNotice(handle, LAST_SEEDED_NOTICE);
  return { institutions: rows.length + 5, accounts };
}
