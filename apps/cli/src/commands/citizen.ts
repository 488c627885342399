import { createInterface } from 'node:readline/promises';
import type { CheckupRecord, DrugRecord } from '@shikaku/eligibility-api/history';
import type { Command } from 'commander';
import { CliError, printJson } from '../output.js';

const ELIGIBILITY_URL = 'http://127.0.0.1:7302';
const READER_URL = 'http://127.0.0.1:7304';

/** What `GET /v1/citizen/overview` answers (eligibility-api's citizen/routes.ts). */
export interface CitizenOverview {
  asOf: string;
  qualifications: Array<{
    state: 'current' | 'past';
    document: { kind: string; validTo: string | null };
    insurerNumber: string;
    insurerName: string;
    insuredCardSymbol: string | null;
    insuredIdentificationNumber: string;
    insuredBranchNumber: string;
    name: string;
    qualificationDate: string;
    disqualificationDate: string | null;
    copayRatio: string | null;
  }>;
  drugInformation: DrugRecord[];
  checkups: CheckupRecord[];
  consents: Array<{
    institutionCode: string;
    consTime: string;
    availableTime: string;
    expired: boolean;
    specificHealthCheckups: boolean;
    pharmacists: boolean;
    diagnosis: boolean;
    operations: boolean;
    limitApplicationCertificate: boolean;
  }>;
  accessLog: Array<{
    at: string;
    institutionCode: string;
    institutionName: string | null;
    kind: string;
    items: string[];
  }>;
}

type Fetch = typeof fetch;

async function call(
  fetchImpl: Fetch,
  url: string,
  init: { method: string; body?: unknown; token?: string },
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: init.method,
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new CliError('UNREACHABLE', `could not reach ${new URL(url).origin}`);
  }
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok)
    throw new CliError(String(answer.code ?? response.status), String(answer.message ?? ''));
  return answer;
}

/**
 * Sign-in as マイナポータル does it: eligibility-api gives a challenge, the card (the reader
 * emulator's card, after its PIN) signs it, eligibility-api checks the signature and answers a
 * session token. The PIN goes to the card only, never to eligibility-api.
 */
export async function signInWithCard(options: {
  eligibilityUrl: string;
  readerUrl: string;
  certificateSerial: string;
  pin: string;
  fetchImpl?: Fetch;
}): Promise<string> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const serial = options.certificateSerial;
  const { challenge } = await call(fetchImpl, `${options.eligibilityUrl}/v1/citizen/challenges`, {
    method: 'POST',
    body: { certificateSerial: serial },
  });
  const { signature } = await call(
    fetchImpl,
    `${options.readerUrl}/v1/cards/${encodeURIComponent(serial)}/signatures`,
    { method: 'POST', body: { pin: options.pin, challenge } },
  );
  const { sessionToken } = await call(fetchImpl, `${options.eligibilityUrl}/v1/citizen/sessions`, {
    method: 'POST',
    body: { certificateSerial: serial, challenge, signature },
  });
  return String(sessionToken);
}

const DOCUMENT: Record<string, string> = {
  'insurance-card': '健康保険証',
  'qualification-certificate': '資格確認書',
  none: 'なし（マイナ保険証）',
};
const KIND: Record<string, string> = {
  confirmation: '資格確認（保険証の番号）',
  'card-confirmation': '資格確認（マイナンバーカード）',
  'drug-information': '薬剤情報の閲覧',
  'checkup-information': '特定健診情報の閲覧',
  bulk: '一括照会',
};
const jst = (iso: string) =>
  new Date(new Date(iso).getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The sections in Japanese, as the portal's pages show them. */
export function formatCitizenOverview(o: CitizenOverview): string {
  const lines = [`マイナポータル（${o.asOf} 現在）`, '', '■ 資格情報'];
  if (o.qualifications.length === 0) lines.push('  （なし）');
  for (const q of o.qualifications) {
    const numbers = [q.insuredCardSymbol, q.insuredIdentificationNumber, q.insuredBranchNumber]
      .filter((p) => p)
      .join('・');
    lines.push(
      `  [${q.state === 'current' ? '加入中' : '過去'}] ${q.insurerName}（${q.insurerNumber}） 記号・番号・枝番 ${numbers}`,
      `      資格取得 ${q.qualificationDate}${q.disqualificationDate ? ` 喪失 ${q.disqualificationDate}` : ''}${q.copayRatio ? ` 負担割合 ${Number(q.copayRatio) / 10}割` : ''}`,
      `      書類 ${DOCUMENT[q.document.kind] ?? q.document.kind}${q.document.validTo ? `（有効期限 ${q.document.validTo}）` : ''}`,
    );
  }
  lines.push('', `■ 薬剤情報（過去3年、${o.drugInformation.length}件）`);
  for (const d of o.drugInformation)
    lines.push(`  ${d.dispensedOn} ${d.drugName} ${d.quantity} × ${d.days}日分`);
  lines.push('', `■ 特定健診情報（過去5年、${o.checkups.length}件）`);
  for (const c of o.checkups)
    lines.push(
      `  ${c.checkedOn} 身長 ${c.heightCm}cm 体重 ${c.weightKg}kg 腹囲 ${c.waistCm}cm 血圧 ${c.systolic}/${c.diastolic} HbA1c ${c.hba1c}%`,
    );
  lines.push('', `■ 同意（${o.consents.length}件）`);
  for (const c of o.consents) {
    const items = [
      c.specificHealthCheckups && '特定健診情報',
      c.pharmacists && '薬剤情報',
      c.diagnosis && '診療情報',
      c.operations && '手術情報',
      c.limitApplicationCertificate && '限度額適用認定証',
    ].filter(Boolean);
    lines.push(
      `  ${jst(c.consTime)} 医療機関 ${c.institutionCode} ${items.join('・') || '（同意なし）'} 有効期限 ${jst(c.availableTime)}${c.expired ? '（期限切れ）' : ''}`,
    );
  }
  lines.push('', `■ アクセス記録（${o.accessLog.length}件）`);
  for (const e of o.accessLog)
    lines.push(
      `  ${jst(e.at)} ${e.institutionName ?? ''}（${e.institutionCode}） ${KIND[e.kind] ?? e.kind}`,
    );
  return `${lines.join('\n')}\n`;
}

/**
 * `shikaku citizen`: sign in to the citizen's side with an emulated My Number card and its PIN,
 * print what the citizen sees (the stack's URLs by default), and sign out.
 */
export function registerCitizenCommand(
  program: Command,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = {
    input: process.stdin,
    output: process.stdout,
  },
): void {
  program
    .command('citizen')
    .description(
      "The citizen's side (マイナポータル): sign in with a My Number card and its PIN, print your own data",
    )
    .requiredOption('--card <serial>', "the card's certificate serial")
    .option('--pin <pin>', 'the 4-digit PIN (asked when not given)')
    .option('--eligibility-url <url>', 'eligibility-api', ELIGIBILITY_URL)
    .option('--reader-url <url>', 'the reader emulator that holds the card', READER_URL)
    .option('--json', 'print the overview as JSON')
    .action(
      async (options: {
        card: string;
        pin?: string;
        eligibilityUrl: string;
        readerUrl: string;
        json?: boolean;
      }) => {
        const pin = options.pin ?? (await askPin(io));
        const token = await signInWithCard({
          eligibilityUrl: options.eligibilityUrl,
          readerUrl: options.readerUrl,
          certificateSerial: options.card,
          pin,
        });
        let overview: CitizenOverview;
        try {
          overview = (await call(fetch, `${options.eligibilityUrl}/v1/citizen/overview`, {
            method: 'GET',
            token,
          })) as unknown as CitizenOverview;
        } finally {
          // Sign out: the session ends now on every instance, not 30 minutes later.
          await call(fetch, `${options.eligibilityUrl}/v1/citizen/sessions/current`, {
            method: 'DELETE',
            token,
          });
        }
        if (options.json) printJson(overview);
        else io.output.write(formatCitizenOverview(overview));
      },
    );
}

async function askPin(io: {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}): Promise<string> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  try {
    return (await rl.question('暗証番号（数字4桁）: ')).trim();
  } finally {
    rl.close();
  }
}
