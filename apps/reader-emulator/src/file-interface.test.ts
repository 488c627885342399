import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixedClock } from '@shikaku/core/clock';
import { isValidMyNumber } from '@shikaku/core/my-number';
import { parseOqsXml } from '@shikaku/core/oqs-xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpEligibilityClient } from './eligibility-client.js';
import { FACE_FILE, FileInterface, MAX_REQUEST_BYTES, responseFileName } from './file-interface.js';
import { FAKE_CREDENTIALS, FAKE_INSTITUTION } from './testing/fake-eligibility.js';
import {
  type EmulatorFixture,
  FIXTURE_NOW,
  startEmulatorFixture,
} from './testing/emulator-fixture.js';

const request = (
  insurerNumber: string,
  id = '5678',
  extra = '',
) => `<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20211020</QualificationConfirmationDate><MedicalInstitutionCode>${FAKE_INSTITUTION}</MedicalInstitutionCode></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>${insurerNumber}</InsurerNumber><InsuredCardSymbol>1234</InsuredCardSymbol><InsuredIdentificationNumber>${id}</InsuredIdentificationNumber><Birthdate>19890913</Birthdate>${extra}</QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;

type Doc = {
  XmlMsg: { MessageHeader: Record<string, string>; MessageBody: Record<string, unknown> };
};

async function readResponse(dir: string, name: string): Promise<Doc> {
  const parsed = parseOqsXml(await readFile(join(dir, name), 'utf8'));
  if (!parsed.ok) throw new Error(`response ${name} is not XML: ${parsed.message}`);
  return parsed.value as unknown as Doc;
}

describe('file interface', () => {
  let fixture: EmulatorFixture;
  let terminal: FileInterface;
  let requestDir: string;
  let responseDir: string;

  beforeEach(async () => {
    fixture = await startEmulatorFixture();
    terminal = fixture.emulator.terminals.get('clinic')!;
    ({ requestDir, responseDir } = terminal.folders);
    // Not started: each test scans explicitly, so no watcher races it.
    await mkdir(requestDir, { recursive: true });
    await mkdir(responseDir, { recursive: true });
  });
  afterEach(async () => fixture.close());

  it('names the response after the request', () => {
    expect(responseFileName('OQSsiquc01req_20211020093000123.xml')).toBe(
      'OQSsiquc01res_20211020093000123.xml',
    );
    expect(responseFileName('other.xml')).toBeUndefined();
  });

  it('answers a request file through the spec search and writes the response', async () => {
    await writeFile(join(requestDir, 'OQSsiquc01req_0001.xml'), request('01130012'));
    await writeFile(join(requestDir, 'OQSsiquc01req_0002.xml'), request('01130012', '9999'));
    await writeFile(join(requestDir, 'notes.txt'), 'not a request');
    const report = await terminal.scan();
    expect(report.answered).toEqual(['OQSsiquc01req_0001.xml', 'OQSsiquc01req_0002.xml']);

    const found = await readResponse(responseDir, 'OQSsiquc01res_0001.xml');
    expect(found.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    expect(found.XmlMsg.MessageHeader.SegmentOfResult).toBe('1');
    const missing = await readResponse(responseDir, 'OQSsiquc01res_0002.xml');
    expect(missing.XmlMsg.MessageBody.QualificationValidity).toBe('4');

    const search = fixture.fake.requests.filter((r) => r.url.endsWith('/search'));
    expect(search).toHaveLength(2);
    // Spec style: the idToken is the bare Authorization value.
    expect(search[0]?.authorization).toBe('id-token-1');
  });

  it('answers malformed XML and invalid fields with the spec error shape, and keeps going', async () => {
    await writeFile(join(requestDir, 'OQSsiquc01req_bad1.xml'), '<XmlMsg><MessageHeader>');
    await writeFile(
      join(requestDir, 'OQSsiquc01req_bad2.xml'),
      request('01130012', '5678').replace('19890913', '19891332'),
    );
    await writeFile(join(requestDir, 'OQSsiquc01req_bad3.xml'), Buffer.from([0xff, 0xfe, 0x00]));
    await writeFile(join(requestDir, 'OQSsiquc01req_good.xml'), request('01130012'));
    const report = await terminal.scan();
    expect(report.errors).toEqual([]);
    expect(report.answered).toHaveLength(4);

    const bad1 = await readResponse(responseDir, 'OQSsiquc01res_bad1.xml');
    expect(bad1.XmlMsg.MessageHeader).toMatchObject({
      SegmentOfResult: '9',
      ErrorCode: 'MALFORMED_MESSAGE',
      MedicalInstitutionCode: FAKE_INSTITUTION,
    });
    expect(bad1.XmlMsg.MessageHeader.ErrorMessage).toMatch(/^line \d+/);
    expect(bad1.XmlMsg.MessageBody.ProcessingResultStatus).toBe('2');

    const bad2 = await readResponse(responseDir, 'OQSsiquc01res_bad2.xml');
    expect(bad2.XmlMsg.MessageHeader.ErrorCode).toBe('VALIDATION_FAILED');
    expect(bad2.XmlMsg.MessageHeader.ErrorMessage).toContain('Birthdate');

    const bad3 = await readResponse(responseDir, 'OQSsiquc01res_bad3.xml');
    expect(bad3.XmlMsg.MessageHeader.ErrorCode).toBe('MALFORMED_MESSAGE');

    const good = await readResponse(responseDir, 'OQSsiquc01res_good.xml');
    expect(good.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    // Only the well-formed request reached eligibility-api.
    expect(fixture.fake.requests.filter((r) => r.url.endsWith('/search'))).toHaveLength(1);
  });

  it('reads a Shift_JIS request file, as older terminals write them', async () => {
    const xml = request('01130012').replace('encoding="UTF-8"', 'encoding="Shift_JIS"');
    const [before, after] = xml.split('<InsuredCardSymbol>1234</InsuredCardSymbol>');
    // ｱｲ in Shift_JIS: half-width katakana are single bytes 0xB1 0xB2.
    const bytes = Buffer.concat([
      Buffer.from(`${before}<InsuredCardSymbol>`, 'latin1'),
      Buffer.from([0xb1, 0xb2]),
      Buffer.from(`</InsuredCardSymbol>${after}`, 'latin1'),
    ]);
    await writeFile(join(requestDir, 'OQSsiquc01req_sjis.xml'), bytes);
    expect((await terminal.scan()).answered).toEqual(['OQSsiquc01req_sjis.xml']);
    const sent = fixture.fake.requests.find((r) => r.url.endsWith('/search'))?.body as Doc;
    expect(
      (sent.XmlMsg.MessageBody.QualificationConfirmSearchInfo as Record<string, string>)
        .InsuredCardSymbol,
    ).toBe('ｱｲ');
  });

  it('answers an oversized file with PAYLOAD_TOO_LARGE without reading it into a request', async () => {
    await writeFile(
      join(requestDir, 'OQSsiquc01req_huge.xml'),
      Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20),
    );
    await terminal.scan();
    const huge = await readResponse(responseDir, 'OQSsiquc01res_huge.xml');
    expect(huge.XmlMsg.MessageHeader.ErrorCode).toBe('PAYLOAD_TOO_LARGE');
    expect(fixture.fake.requests).toEqual([]);
  });

  it('answers each request once, across restarts', async () => {
    await writeFile(join(requestDir, 'OQSsiquc01req_once.xml'), request('01130012'));
    await terminal.scan();
    const first = await stat(join(responseDir, 'OQSsiquc01res_once.xml'));
    expect((await terminal.scan()).answered).toEqual([]);

    // A fresh terminal over the same folders (a restart) does not answer it again.
    const restarted = new FileInterface({
      requestDir,
      responseDir,
      medicalInstitutionCode: FAKE_INSTITUTION,
      eligibility: httpEligibilityClient({ baseUrl: fixture.fake.url, ...FAKE_CREDENTIALS }),
      clock: fixedClock(FIXTURE_NOW),
      settleMs: 0,
    });
    expect((await restarted.scan()).answered).toEqual([]);
    expect((await stat(join(responseDir, 'OQSsiquc01res_once.xml'))).mtimeMs).toBe(first.mtimeMs);
    expect(fixture.fake.requests.filter((r) => r.url.endsWith('/search'))).toHaveLength(1);
    expect((await readdir(responseDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writes an error response when eligibility-api is down, instead of crashing', async () => {
    fixture.fake.failNext(10);
    await writeFile(join(requestDir, 'OQSsiquc01req_down.xml'), request('01130012'));
    await terminal.scan();
    const down = await readResponse(responseDir, 'OQSsiquc01res_down.xml');
    expect(down.XmlMsg.MessageHeader.ErrorCode).toBe('UPSTREAM_UNAVAILABLE');
    expect(down.XmlMsg.MessageHeader.QualificationConfirmationDate).toBe('20211020');
  });

  it('picks up request files by itself once started', async () => {
    await terminal.start();
    await writeFile(join(requestDir, 'OQSsiquc01req_watch.xml'), request('01130012'));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if ((await readdir(responseDir)).includes('OQSsiquc01res_watch.xml')) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await readdir(responseDir)).toContain('OQSsiquc01res_watch.xml');
  });

  it('writes OQSsiquc01res_face_*.xml for a reader confirmation, with no My Number in it', async () => {
    const reader = fixture.emulator.readers.get('clinic')!;
    await reader.placeCard('REGISTERED-0001');
    await reader.dispatch({ type: 'face', similarity: 0.93 });
    await reader.dispatch({
      type: 'consents',
      answers: {
        specificHealthCheckups: true,
        pharmacists: false,
        diagnosis: false,
        operations: false,
        limitApplicationCertificate: true,
      },
    });
    expect(reader.state.step).toBe('result');
    const faceFiles = (await readdir(responseDir)).filter((n) =>
      n.startsWith('OQSsiquc01res_face_'),
    );
    // The real terminal's name: institution code + 20 hex, then the 14-digit JST time, which is
    // what public clients match face files by (docs/oqs-public-sources.md).
    expect(faceFiles).toHaveLength(1);
    expect(faceFiles[0]).toMatch(
      new RegExp(`^OQSsiquc01res_face_${FAKE_INSTITUTION}[0-9a-f]{20}_20211020093000\\.xml$`),
    );
    expect(FACE_FILE.exec(faceFiles[0]!)?.[1]).toBe('20211020093000');
    const face = await readResponse(responseDir, faceFiles[0]!);
    expect(face.XmlMsg.MessageHeader).toMatchObject({
      ReferenceClassification: '1',
      SegmentOfResult: '1',
      MedicalInstitutionCode: FAKE_INSTITUTION,
    });
    const list = face.XmlMsg.MessageBody.ResultList as {
      ResultOfQualificationConfirmation: Array<Record<string, unknown>>;
    };
    const result = list.ResultOfQualificationConfirmation[0]!;
    expect(result).toMatchObject({
      InsurerNumber: '01130012',
      Birthdate: '19890913',
      InsuredCardValidDate: '20150401',
      SpecificHealthCheckupsInfoConsFlg: '1',
      SpecificHealthCheckupsInfoConsTime: '20211020093000',
      SpecificHealthCheckupsInfoAvailableTime: '20211021093000',
      PharmacistsInfoConsFlg: '0',
      // The patient consented to the limit certificate: the file carries it, like the web answer.
      LimitApplicationCertificateRelatedConsFlg: '1',
      LimitApplicationCertificateRelatedConsTime: '20211020093000',
    });
    // No consent, no time: the element is left out, never "".
    expect(result).not.toHaveProperty('PharmacistsInfoAvailableTime');
    // 協会けんぽ member, not 後期高齢者: no InsuredPartialContributionRatio.
    expect(result).not.toHaveProperty('InsuredPartialContributionRatio');
    expect(face.XmlMsg.MessageBody).not.toHaveProperty('QualificationConfirmSearchInfo');

    // Nothing the reader wrote or sent holds a twelve-digit number that is a valid My Number.
    const written = await Promise.all(
      (await readdir(responseDir)).map((n) => readFile(join(responseDir, n), 'utf8')),
    );
    const sent = fixture.fake.requests.map((r) => JSON.stringify(r.body ?? ''));
    for (const text of [...written, ...sent]) {
      for (const digits of text.match(/\d{12}/g) ?? []) expect(isValidMyNumber(digits)).toBe(false);
      expect(text).not.toMatch(/MyNumber|myNumber|個人番号/);
    }
  });
});
