// The privacy boundary across the whole stack: the My Number is held only by the intermediate
// server (insurer-api) and J-LIS. The full stack runs in-process (PGlite in memory, and again on a
// throw-away PostgreSQL database when the run has a server; a fixed seed; every app on a free
// port); the test drives the main journeys over HTTP as users do, then scans every response body of
// eligibility-api, reader-emulator and portal, every log line of every app, every file the stack
// wrote, the stack's notes, the qualification outbox, and every row of the `eligibility` and
// `portal` schemas for the population's My Numbers (and those the test registered). The same scan
// must find them in the `intermediate` schema and in insurer-api's own answers, so it cannot pass
// vacuously.
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseOqsXml } from '@shikaku/core/oqs-xml';
import { signPractitionerProof } from '@shikaku/core/practitioner-proof';
import { createLogger } from '@shikaku/platform/logger';
// The vitest 'postgresUrl' type comes with the global setup's declaration.
import type {} from '@shikaku/db/testing/global-setup';
import { DEMO_PASSWORD } from '@shikaku/portal/seed';
import { DEFAULT_CARD_PIN } from '@shikaku/reader-emulator/reader';
import { generatePopulation, myNumberOf, type SyntheticPerson } from '@shikaku/synth/population';
import { signInWithCard } from '../src/commands/citizen.js';
import { STACK_COMPONENTS } from '../src/stack/components.js';
import { readKeys } from '../src/stack/practitioners.js';
import { type RunningStack, startStack } from '../src/stack/run-stack.js';
import {
  dumpSchema,
  knownMyNumbersIn,
  leaks,
  readTree,
  RecordingClient,
  type Seen,
  throwawayDatabase,
  waitFor,
} from './privacy-scan.js';

const SEED = 20211020;
const MEMBERS = 300;
const AS_OF = '2021-10-20';

const compact = (iso: string) => iso.replaceAll('-', '');

// PGlite (as `shikaku stack` runs by default), and PostgreSQL too when the run has a server.
const KINDS = inject('postgresUrl') ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(KINDS)(
  'the whole stack [%s] keeps the My Number inside the intermediate server and J-LIS',
  (kind) => {
    let stack: RunningStack;
    let dataDir: string;
    let database: { url: string; drop(): Promise<void> } | undefined;
    const logLines: string[] = [];
    /** Response bodies of the apps that must never show a My Number. */
    const seen: Seen[] = [];
    /** insurer-api answers its insurers with their members' My Numbers: kept apart, not scanned. */
    const insurerSide: Seen[] = [];
    const population: SyntheticPerson[] = [
      ...generatePopulation({ seed: SEED, size: MEMBERS, asOf: AS_OF }),
    ];
    /** My Numbers this test registers (beyond the seeded population). */
    const registered = [MEMBERS + 11, MEMBERS + 12, MEMBERS + 13].map((i) => myNumberOf(SEED, i));
    const known = new Set([...population.map((p) => p.myNumber), ...registered]);
    const url = (name: string) => stack.components.find((c) => c.name === name)!.url;
    const http = new RecordingClient(seen);

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'stack-privacy-'));
      if (kind === 'postgres') database = await throwawayDatabase(inject('postgresUrl'));
      const logs = new PassThrough();
      logs.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n')));
      stack = await startStack(STACK_COMPONENTS, {
        host: '127.0.0.1',
        basePort: 0,
        asOf: AS_OF,
        seed: SEED,
        members: MEMBERS,
        dataDir,
        memory: true,
        databaseUrl: database?.url,
        only: undefined,
        logger: createLogger({ name: 'stack', level: 'debug', destination: logs }),
      });
    });

    afterAll(async () => {
      await stack?.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('starts every app, in order, over a population of known My Numbers', () => {
      expect(known.size).toBe(MEMBERS + registered.length);
      expect(stack.components.map((c) => c.name)).toEqual([
        'jlis',
        'insurer-api',
        'eligibility-api',
        'reader-emulator',
        'portal',
        'clock',
      ]);
    });

    // ---- journeys -------------------------------------------------------------------------------

    /** A person with a 記号 on the card: the insurer the test registers new members with. */
    const holder = () => population.find((p) => p.insuredCardSymbol !== null)!;
    const insurerClient = new RecordingClient(insurerSide);
    let insurerKey = '';
    const newMember = (myNumber: string, cardNumber: string, birthDate: string) => ({
      myNumber,
      cardSymbol: holder().insuredCardSymbol,
      cardNumber,
      branchNumber: '00',
      name: '試験 一郎',
      nameKana: 'シケン イチロウ',
      birthDate,
      sex: '1',
      address: '東京都千代田区霞が関1-2-2',
      postNumber: '100-0013',
      qualificationDate: '2021-04-01',
    });

    it(
      'an insurer registers a member (JSON) and a CSV with one bad line; a re-upload changes nothing',
      { timeout: 90_000 },
      async () => {
        const credentials = JSON.parse(
          await readFile(join(dataDir, 'insurer-credentials.json'), 'utf8'),
        ) as Array<{ insurerNumber: string; key: string }>;
        insurerKey = credentials.find((c) => c.insurerNumber === holder().insurerNumber)!.key;
        const auth = { authorization: `Bearer ${insurerKey}` };
        const one = await insurerClient.postJson(
          `${url('insurer-api')}/v1/registrations`,
          newMember(registered[0]!, '990001', '1980-01-02'),
          auth,
        );
        expect(one.status).toBe(201);
        expect(one.json()).toMatchObject({ suspected: false, changed: true });
        // The intermediate server itself answers with the My Number: the scan sees it there.
        const { qualificationId } = one.json<{ qualificationId: string }>();
        await insurerClient.get(`${url('insurer-api')}/v1/registrations/${qualificationId}`, auth);
        expect(leaks(insurerSide, known)).toEqual([
          expect.stringMatching(
            new RegExp(`/v1/registrations/${qualificationId} → 200: ${registered[0]}$`),
          ),
        ]);

        const header =
          'myNumber,cardSymbol,cardNumber,branchNumber,name,nameKana,birthDate,sex,address,qualificationDate';
        const line = (m: ReturnType<typeof newMember>) =>
          [
            m.myNumber,
            m.cardSymbol,
            m.cardNumber,
            m.branchNumber,
            m.name,
            m.nameKana,
            m.birthDate,
            m.sex,
            m.address,
            m.qualificationDate,
          ].join(',');
        const csv = [
          header,
          line(newMember(registered[1]!, '990002', 'S55.3.4')),
          line(newMember('123456789018', '990009', 'H2.13.1')),
          line(newMember(registered[2]!, '990003', '1990-05-06')),
        ].join('\n');
        const upload = () =>
          insurerClient.call(`${url('insurer-api')}/v1/registrations/bulk`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'text/csv' },
            body: csv,
          });
        const first = await upload();
        expect(first.status).toBe(200);
        const report = first.json<{ errors: unknown[] }>();
        expect(report).toMatchObject({ totalLines: 3, accepted: 2, rejected: 1, changed: 2 });
        expect(report.errors).toEqual([
          expect.objectContaining({ line: 3, field: 'birthDate', code: 'INVALID_DATE' }),
        ]);
        const again = await upload();
        expect(again.json()).toMatchObject({
          accepted: 2,
          changed: 0,
          unchanged: 2,
          repeated: true,
        });
        // The three numbers had no history: insurer-api's job asks J-LIS and notifies the result.
        const notifications = await waitFor('the J-LIS results', async () => {
          const answer = await insurerClient.get(`${url('insurer-api')}/v1/notifications`, auth);
          const list = answer.json<{ notifications: Array<{ kind: string }> }>().notifications;
          return list.length >= 3 ? list : undefined;
        });
        expect(notifications.map((n) => n.kind)).toEqual(Array(3).fill('JLIS_NOT_FOUND'));
      },
    );

    let idToken = '';
    /** The demo clinic's credential, as the stack prints it for developers. */
    const demoCredential = () => {
      const notes = stack.components.find((c) => c.name === 'eligibility-api')!.notes.join('\n');
      const [, clientId, clientSecret] = /clientId (\S+) clientSecret (\S+)/.exec(notes)!;
      return { clientId, clientSecret };
    };
    it(
      'the registered members reach eligibility-api through the outbox; REST confirms them',
      { timeout: 90_000 },
      async () => {
        const login = await http.postJson(
          `${url('eligibility-api')}/v1/auth/token`,
          demoCredential(),
        );
        expect(login.status).toBe(200);
        idToken = login.json<{ idToken: string }>().idToken;
        const confirm = (cardNumber: string, birthDate: string) =>
          http.postJson(
            `${url('eligibility-api')}/v1/confirmations`,
            {
              insurerNumber: holder().insurerNumber,
              insuredCardSymbol: holder().insuredCardSymbol,
              insuredIdentificationNumber: cardNumber,
              insuredBranchNumber: '00',
              birthDate,
            },
            { authorization: `Bearer ${idToken}` },
          );
        // The relay polls the outbox every second.
        const confirmed = await waitFor('the JSON registration on eligibility-api', async () => {
          const answer = await confirm('990001', '1980-01-02');
          const body = answer.json<{ qualificationValidity: string; results: unknown[] }>();
          return body.qualificationValidity === '1' ? body : undefined;
        });
        expect(confirmed.results).toEqual([
          expect.objectContaining({ nameKana: expect.any(String), birthDate: '1980-01-02' }),
        ]);
        const csvMember = await waitFor('the CSV registration on eligibility-api', async () => {
          const body = (await confirm('990003', '1990-05-06')).json<{
            qualificationValidity: string;
          }>();
          return body.qualificationValidity === '1' ? body : undefined;
        });
        expect(csvMember.qualificationValidity).toBe('1');
        // The bad line never reached the eligibility side: no such qualification.
        expect(
          (await confirm('990009', '1990-01-01')).json<{ qualificationValidity?: string }>()
            .qualificationValidity,
        ).toBe('4');
        // Bad input: a stable code and the field, never a 500.
        const bad = await http.postJson(
          `${url('eligibility-api')}/v1/confirmations`,
          { insurerNumber: '01130013', insuredIdentificationNumber: '1', birthDate: '1980-01-02' },
          { authorization: `Bearer ${idToken}` },
        );
        expect(bad.status).toBe(400);
        expect(bad.json()).toMatchObject({
          code: 'INVALID_INSURER_NUMBER',
          field: 'insurerNumber',
        });
      },
    );

    it('confirms a seeded member by insurance-card numbers through the spec API, in JSON and XML', async () => {
      const person = holder();
      const base = `${url('eligibility-api')}/oqs-api-pro`;
      const auth = await http.postJson(`${base}/MSA12020/ILI12020SV01/auth`, demoCredential());
      const specToken = auth.json<{ result: { idToken: string } }>().result.idToken;
      const info = {
        InsurerNumber: person.insurerNumber,
        InsuredCardSymbol: person.insuredCardSymbol ?? '',
        InsuredIdentificationNumber: person.insuredIdentificationNumber,
        Birthdate: compact(person.birthDate),
      };
      const json = await http.postJson(
        `${base}/MSA01030/ILI01030SV01/search`,
        {
          XmlMsg: {
            MessageHeader: { QualificationConfirmationDate: compact(AS_OF) },
            MessageBody: { QualificationConfirmSearchInfo: info },
          },
        },
        { authorization: specToken },
      );
      const body = json.json<{ XmlMsg: { MessageBody: Record<string, unknown> } }>().XmlMsg
        .MessageBody;
      expect(body.QualificationValidity).toBe('1');

      const xml = `<?xml version="1.0" encoding="UTF-8"?><XmlMsg><MessageHeader><QualificationConfirmationDate>${compact(AS_OF)}</QualificationConfirmationDate></MessageHeader><MessageBody><QualificationConfirmSearchInfo>${Object.entries(
        info,
      )
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join('')}</QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;
      const answer = await http.call(`${base}/MSA01030/ILI01030SV01/search`, {
        method: 'POST',
        headers: { authorization: specToken, 'content-type': 'application/xml' },
        body: xml,
      });
      const parsed = parseOqsXml(answer.text);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) {
        const message = parsed.value as { XmlMsg: { MessageBody: Record<string, unknown> } };
        expect(message.XmlMsg.MessageBody.QualificationValidity).toBe('1');
      }
    });

    /** A valid card of the population not yet registered for insurance use. */
    const unlinkedCard = (skip = 0) =>
      population.filter((p) => p.card?.status === 'valid' && !p.card.linkedForInsurance)[skip]!
        .card!.certificateSerial;

    it('registers a card, confirms with consents, views drug information; the citizen reads the access log', async () => {
      const auth = { authorization: `Bearer ${idToken}` };
      const serial = unlinkedCard(0);
      const registration = await http.postJson(
        `${url('eligibility-api')}/v1/card-registrations`,
        { certificateSerial: serial },
        auth,
      );
      expect(registration.status).toBe(201);
      const confirmation = await http.postJson(
        `${url('eligibility-api')}/v1/card-confirmations`,
        {
          certificateSerial: serial,
          verificationMethod: 'face',
          consents: { specificHealthCheckups: true, pharmacists: true },
        },
        auth,
      );
      expect(confirmation.status).toBe(200);
      const confirmed = confirmation.json<{
        qualificationValidity: string;
        consents: { consentId: string };
      }>();
      expect(confirmed.qualificationValidity).toBe('1');
      const { consentId } = confirmed.consents;
      // The demo clinic's sample practitioner (the stack registered it) signs each view.
      const doctor = (await readKeys(join(dataDir, 'practitioners.json'))).find(
        (p) => p.institutionCode === '0110113719',
      );
      const proof = (path: string) =>
        signPractitionerProof(createPrivateKey(doctor!.privateKeyPem), {
          method: 'GET',
          path,
          institutionCode: doctor!.institutionCode,
          certificateSerial: doctor!.certificateSerial,
          timestamp: new Date().toISOString(),
          nonce: randomBytes(18).toString('base64url'),
        });
      const drugPath = `/v1/consents/${consentId}/drug-information`;
      const drugs = await http.get(`${url('eligibility-api')}${drugPath}`, {
        ...auth,
        ...proof(drugPath),
      });
      expect(drugs.status).toBe(200);
      const checkupPath = `/v1/consents/${consentId}/checkup-information`;
      const checkups = await http.get(`${url('eligibility-api')}${checkupPath}`, {
        ...auth,
        ...proof(checkupPath),
      });
      expect(checkups.status).toBe(200);
      // The citizen reads their log after signing in with the card and its PIN; the serial alone,
      // which every reader that handles the card sees, opens nothing.
      const bare = await http.get(`${url('eligibility-api')}/v1/citizen/access-log`, {
        'x-certificate-serial': serial,
      });
      expect(bare.status).toBe(401);
      const session = await signInWithCard({
        eligibilityUrl: url('eligibility-api'),
        readerUrl: url('reader-emulator'),
        certificateSerial: serial,
        pin: DEFAULT_CARD_PIN,
      });
      const log = await http.get(`${url('eligibility-api')}/v1/citizen/access-log`, {
        authorization: `Bearer ${session}`,
      });
      expect(log.status).toBe(200);
      expect(log.json<{ entries: unknown[] }>().entries.length).toBeGreaterThanOrEqual(2);
    });

    it('runs a bulk inquiry to its result, in JSON and XML', async () => {
      const auth = { authorization: `Bearer ${idToken}` };
      const items = population.slice(0, 20).map((p, i) => ({
        insurerNumber: p.insurerNumber,
        ...(p.insuredCardSymbol ? { insuredCardSymbol: p.insuredCardSymbol } : {}),
        insuredIdentificationNumber: p.insuredIdentificationNumber,
        birthDate: p.birthDate,
        arbitraryIdentifier: `E2E${i}`,
      }));
      const submitted = await http.postJson(
        `${url('eligibility-api')}/v1/bulk-inquiries`,
        { items },
        auth,
      );
      expect(submitted.status).toBe(202);
      const { receptionNumber } = submitted.json<{ receptionNumber: string }>();
      await waitFor('the bulk inquiry', async () => {
        const status = await http.get(
          `${url('eligibility-api')}/v1/bulk-inquiries/${receptionNumber}`,
          auth,
        );
        return status.json<{ status: string }>().status === 'done' ? true : undefined;
      });
      const result = await http.get(
        `${url('eligibility-api')}/v1/bulk-inquiries/${receptionNumber}/result`,
        auth,
      );
      expect(
        result.json<{ XmlMsg: { MessageHeader: Record<string, string> } }>().XmlMsg.MessageHeader,
      ).toMatchObject({ NumberOfProcessingResult: '20', NumberOfError: '0' });
      const xml = await http.get(
        `${url('eligibility-api')}/v1/bulk-inquiries/${receptionNumber}/result`,
        { ...auth, accept: 'application/xml' },
      );
      expect(xml.text).toContain('<BulkConfirmUnit>');
    });

    it(
      'drives the readers: a linked card by face, a new card through 保険証利用登録, a terminal file',
      { timeout: 90_000 },
      async () => {
        const reader = url('reader-emulator');
        const step = async (id: string) =>
          (await http.get(`${reader}/v1/readers/${id}`)).json<{
            step: string;
            failure: unknown;
            result: { qualificationValidity?: string } | null;
          }>();
        const settled = (id: string) =>
          waitFor(`reader ${id} to finish`, async () => {
            const view = await step(id);
            return ['result', 'failed', 'registration-offer'].includes(view.step)
              ? view
              : undefined;
          });

        // Clinic: a card the seeded population registered (linked in the background at start).
        const linked = population.find(
          (p) => p.card?.status === 'valid' && p.card.linkedForInsurance,
        )!.card!.certificateSerial;
        expect(
          (await http.postJson(`${reader}/v1/readers/clinic/card`, { certificateSerial: linked }))
            .status,
        ).toBe(200);
        await http.postJson(`${reader}/v1/readers/clinic/face`, { similarity: 0.95 });
        expect((await step('clinic')).step).toBe('consents');
        await http.postJson(`${reader}/v1/readers/clinic/consents`, {
          specificHealthCheckups: true,
          pharmacists: true,
          limitApplicationCertificate: false,
        });
        let clinic = await settled('clinic');
        if (clinic.step === 'registration-offer') {
          // The background linking had not reached this card yet: register it now.
          await http.postJson(`${reader}/v1/readers/clinic/registration`, { accept: true });
          clinic = await settled('clinic');
        }
        expect(clinic).toMatchObject({ step: 'result', failure: null });
        await http.call(`${reader}/v1/readers/clinic/card`, { method: 'DELETE' });

        // Pharmacy: a valid card never registered → the reader offers registration, then confirms.
        const fresh = unlinkedCard(1);
        await http.postJson(`${reader}/v1/readers/pharmacy/card`, { certificateSerial: fresh });
        await http.postJson(`${reader}/v1/readers/pharmacy/pin`, { pin: '1234' });
        await http.postJson(`${reader}/v1/readers/pharmacy/consents`, { pharmacists: true });
        const offer = await settled('pharmacy');
        expect(offer.step).toBe('registration-offer');
        await http.postJson(`${reader}/v1/readers/pharmacy/registration`, { accept: true });
        expect(await settled('pharmacy')).toMatchObject({ step: 'result', failure: null });

        // The clinic terminal's file interface answers a search request file.
        const person = holder();
        const folder = join(dataDir, 'reader-emulator', 'clinic');
        await writeFile(
          join(folder, 'requests', 'OQSsiquc01req_e2e.xml'),
          `<?xml version="1.0" encoding="UTF-8"?><XmlMsg><MessageHeader><QualificationConfirmationDate>${compact(AS_OF)}</QualificationConfirmationDate></MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsurerNumber>${person.insurerNumber}</InsurerNumber><InsuredCardSymbol>${person.insuredCardSymbol}</InsuredCardSymbol><InsuredIdentificationNumber>${person.insuredIdentificationNumber}</InsuredIdentificationNumber><Birthdate>${compact(person.birthDate)}</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`,
        );
        const response = await waitFor(
          'the terminal response file',
          () =>
            readFile(join(folder, 'responses', 'OQSsiquc01res_e2e.xml'), 'utf8').catch(
              () => undefined,
            ),
          30_000,
          250,
        );
        expect(response).toContain('<QualificationValidity>1</QualificationValidity>');
      },
    );

    it(
      'serves the portal: top page, a demo login, the applications pages, the operator views, a usage approval',
      { timeout: 90_000 },
      async () => {
        const portal = url('portal');
        const browser = new RecordingClient(seen);
        expect((await browser.get(`${portal}/`)).status).toBeLessThan(400);
        const login = async (email: string) => {
          const form = await browser.get(`${portal}/login`);
          const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
          return browser.postForm(`${portal}/login`, {
            _csrf: csrf,
            email,
            password: DEMO_PASSWORD,
          });
        };
        const institution = await login('hospital@shikaku.example');
        expect(institution.status).toBe(303);
        for (const page of ['/', '/readers', '/usage', '/subsidies']) {
          const answer = await browser.get(`${portal}${page}`);
          expect(answer.status, page).toBe(200);
        }
        const operator = new RecordingClient(seen);
        const form = await operator.get(`${portal}/login`);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
        const staff = await operator.postForm(`${portal}/login`, {
          _csrf: csrf,
          email: 'operator@shikaku.example',
          password: DEMO_PASSWORD,
        });
        expect(staff.status).toBe(303);
        for (const page of ['/operator', '/operator/usage', '/operator/subsidies']) {
          expect((await operator.get(`${portal}${page}`)).status, page).toBe(200);
        }

        // Usage approval crosses to eligibility-api: the operator approves the hospital's submitted
        // application, the hospital issues its credential, which then works on eligibility-api.
        const code = /医療機関コード (\d{10})/.exec((await browser.get(`${portal}/`)).text)![1]!;
        const queue = await operator.get(`${portal}/operator/usage`);
        const id = new RegExp(`<td>(\\d+)</td>\\s*<td>${code}</td>`).exec(queue.text)![1]!;
        const approveCsrf = /name="_csrf" value="([^"]+)"/.exec(queue.text)![1]!;
        const approved = await operator.postForm(`${portal}/operator/usage/${id}/approve`, {
          _csrf: approveCsrf,
        });
        expect(approved.status).toBe(303);
        const usage = await browser.get(`${portal}/usage`);
        const issueCsrf = /name="_csrf" value="([^"]+)"/.exec(usage.text)![1]!;
        // Issued on POST, shown once on the page it redirects to (a reload never issues again).
        const posted = await browser.postForm(`${portal}/usage/credentials`, { _csrf: issueCsrf });
        expect(posted.status).toBe(303);
        const issued = await browser.get(`${portal}/usage/credentials/issued`);
        expect(issued.status).toBe(200);
        const clientId = /id="client-id">([^<]+)</.exec(issued.text)![1]!;
        const clientSecret = /id="client-secret">([^<]+)</.exec(issued.text)![1]!;
        const token = await http.postJson(`${url('eligibility-api')}/v1/auth/token`, {
          clientId,
          clientSecret,
        });
        expect(token.json()).toMatchObject({ institutionCode: code });
        const person = holder();
        const confirmed = await http.postJson(
          `${url('eligibility-api')}/v1/confirmations`,
          {
            insurerNumber: person.insurerNumber,
            insuredCardSymbol: person.insuredCardSymbol,
            insuredIdentificationNumber: person.insuredIdentificationNumber,
            insuredBranchNumber: person.insuredBranchNumber,
            birthDate: person.birthDate,
          },
          { authorization: `Bearer ${token.json<{ idToken: string }>().idToken}` },
        );
        expect(confirmed.json()).toMatchObject({ qualificationValidity: '1' });
      },
    );

    // ---- the scan -------------------------------------------------------------------------------

    it("no My Number in what the stack prints at start (every app's notes)", () => {
      const notes = stack.components.map((c) => ({
        source: `notes of ${c.name}`,
        text: c.notes.join('\n'),
      }));
      expect(leaks(notes, known)).toEqual([]);
    });

    it('no My Number in any response of eligibility-api, reader-emulator or portal', () => {
      const hosts = ['eligibility-api', 'reader-emulator', 'portal'].map((n) => url(n));
      expect(hosts.every((h) => seen.some((s) => s.source.includes(h)))).toBe(true);
      expect(seen.length).toBeGreaterThan(30);
      expect(leaks(seen, known)).toEqual([]);
    });

    /** Each leak names its line, with the number masked: the failure message must not leak it too. */
    const logLeaks = (lines: string[]) =>
      leaks(
        lines.map((text) => ({
          source: `log ${text.replace(/\d{12,}/g, '<digits>').slice(0, 400)}`,
          text,
        })),
        known,
      );
    it('no My Number in any log line of any app', () => {
      const apps = ['jlis', 'insurer-api', 'eligibility-api', 'reader-emulator', 'portal'];
      for (const app of apps) {
        expect(
          logLines.some((l) => l.includes(`"app":"${app}"`)),
          `${app} logged through the stack's logger`,
        ).toBe(true);
      }
      expect(logLines.length).toBeGreaterThan(100);
      // jlis's resident URL carries the number: its request lines name the route pattern instead.
      expect(logLines.some((l) => l.includes('/v1/residents/:myNumber'))).toBe(true);
      expect(logLeaks(logLines)).toEqual([]);
    });

    it('no My Number in the qualification outbox or in any file the stack wrote', async () => {
      const service = { 'x-service-key': stack.secrets.serviceKey };
      const outbox = await new RecordingClient(insurerSide).get(
        `${url('insurer-api')}/v1/outbox/qualifications?after=0&limit=5000`,
        service,
      );
      const events = outbox.json<{ events: unknown[] }>().events;
      expect(events.length).toBeGreaterThanOrEqual(MEMBERS + 3);
      expect(leaks([{ source: 'outbox', text: outbox.text }], known)).toEqual([]);
      // Terminal request/response folders, the reader's card store, the portal's receipts.
      const files = await readTree(dataDir);
      expect(files.some((f) => f.source.includes('OQSsiquc01res_face_'))).toBe(true);
      expect(leaks(files, known)).toEqual([]);
    });

    it('no My Number in any row of the eligibility and portal schemas', async () => {
      for (const schema of ['eligibility', 'portal']) {
        const rows = await dumpSchema(stack.handle, schema);
        expect(rows.length, schema).toBeGreaterThan(0);
        expect(leaks(rows, known), schema).toEqual([]);
      }
    });

    it('the same scan finds every My Number in the intermediate schema (it is not vacuous)', async () => {
      const rows = await dumpSchema(stack.handle, 'intermediate');
      const found = new Set(rows.flatMap((r) => knownMyNumbersIn(r.text, known)));
      expect(found).toEqual(known);
    });
  },
);
