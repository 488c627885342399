import { describe, expect, it } from 'vitest';
import {
  buildBulkResult,
  buildErrorResponse,
  buildSearchResponse,
  compactToIsoDate,
  isoToCompactDate,
  formatPostNumber,
  oqsJson,
  oqsXml,
  processExecutionTime,
  readSearchRequest,
} from './oqs-message.js';
import { SEARCH_RESPONSE } from './oqs-schema.js';

const request = (info: Record<string, string>, header: Record<string, string> = {}) => ({
  XmlMsg: {
    MessageHeader: { QualificationConfirmationDate: '20210715', ...header },
    MessageBody: { QualificationConfirmSearchInfo: info },
  },
});

describe('readSearchRequest', () => {
  it('reads a full request into ISO dates and normalized numbers', () => {
    const result = readSearchRequest(
      request(
        {
          InsurerNumber: '01130012',
          InsuredCardSymbol: ' 12-34 ',
          InsuredIdentificationNumber: '5678',
          InsuredBranchNumber: '01',
          Birthdate: '19890913',
          LimitApplicationCertificateRelatedConsFlg: '1',
          ArbitraryIdentifier: 'abc',
        },
        { MedicalInstitutionCode: '0110113719' },
      ),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        confirmationDate: '2021-07-15',
        medicalInstitutionCode: '0110113719',
        insurerNumber: '01130012',
        insuredCardSymbol: '12-34',
        insuredIdentificationNumber: '5678',
        insuredBranchNumber: '01',
        birthDate: '1989-09-13',
        limitCertificateConsent: true,
        arbitraryIdentifier: 'abc',
        arbitraryFileIdentifier: undefined,
        // Echoed as sent, in the spec's order.
        echo: {
          InsurerNumber: '01130012',
          InsuredCardSymbol: ' 12-34 ',
          InsuredIdentificationNumber: '5678',
          InsuredBranchNumber: '01',
          Birthdate: '19890913',
          LimitApplicationCertificateRelatedConsFlg: '1',
          ArbitraryIdentifier: 'abc',
        },
      },
    });
  });

  it('echoes the limit certificate flag as 0 when the client left it out', () => {
    // The public web-API client requires the flag in the echoed QualificationConfirmSearchInfo.
    const result = readSearchRequest(
      request({
        InsurerNumber: '01130012',
        InsuredIdentificationNumber: '1',
        Birthdate: '20000101',
      }),
    );
    expect(result.ok && result.value.echo).toEqual({
      InsurerNumber: '01130012',
      InsuredIdentificationNumber: '1',
      Birthdate: '20000101',
      LimitApplicationCertificateRelatedConsFlg: '0',
    });
  });

  it('tolerates omitted branch number and institution code, and padded insurer numbers', () => {
    for (const padded of ['00138057', '  138057', '138057  ']) {
      const result = readSearchRequest(
        request({ InsurerNumber: padded, InsuredIdentificationNumber: '1', Birthdate: '20000101' }),
      );
      expect(result.ok && result.value.insurerNumber).toBe('138057');
      expect(result.ok && result.value.insuredBranchNumber).toBeUndefined();
      expect(result.ok && result.value.medicalInstitutionCode).toBeUndefined();
      expect(result.ok && result.value.insuredCardSymbol).toBeNull();
    }
  });

  it('rejects a malformed message and bad fields with the field path', () => {
    expect(readSearchRequest({ foo: 1 })).toMatchObject({
      ok: false,
      problem: { code: 'MALFORMED_MESSAGE', field: 'XmlMsg' },
    });
    expect(
      readSearchRequest(
        request({
          InsurerNumber: ' ',
          InsuredIdentificationNumber: '1',
          Birthdate: '20000101',
        }),
      ),
    ).toMatchObject({
      ok: false,
      problem: { field: 'XmlMsg.MessageBody.QualificationConfirmSearchInfo.InsurerNumber' },
    });
    expect(
      readSearchRequest(
        request({
          InsurerNumber: '01130012',
          InsuredIdentificationNumber: '1',
          Birthdate: '20000230',
        }),
      ),
    ).toMatchObject({
      ok: false,
      problem: { field: 'XmlMsg.MessageBody.QualificationConfirmSearchInfo.Birthdate' },
    });
    expect(
      readSearchRequest(
        request(
          { InsurerNumber: '01130012', InsuredIdentificationNumber: '1', Birthdate: '20000101' },
          { QualificationConfirmationDate: '2021-07-15' },
        ),
      ),
    ).toMatchObject({
      ok: false,
      problem: { field: 'XmlMsg.MessageHeader.QualificationConfirmationDate' },
    });
  });
});

describe('helpers', () => {
  it('validates calendar dates', () => {
    expect(compactToIsoDate('20240229')).toBe('2024-02-29');
    expect(compactToIsoDate('20230229')).toBeUndefined();
    expect(compactToIsoDate(' 20240301 ')).toBe('2024-03-01');
    for (const bad of ['2024031', '202403011', '2024-3-1', '2024031a', '２０２４０３０１', ''])
      expect(compactToIsoDate(bad)).toBeUndefined();
  });
  // The reference for "a real calendar date": ECMAScript's proleptic Gregorian calendar
  // (ECMA-262 §21.4.1), which a date string round-trips through only when it names a real day.
  it('accepts exactly the days of the calendar, month 00–13 and day 00–32 of sample years', () => {
    const calendar = (compact: string) => {
      const iso = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
      const parsed = new Date(`${iso}T00:00:00Z`);
      return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === iso
        ? iso
        : undefined;
    };
    const differ: string[] = [];
    for (const year of [1600, 1700, 1900, 1999, 2000, 2023, 2024, 2100, 2400])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const compact = `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
          if (compactToIsoDate(compact) !== calendar(compact)) differ.push(compact);
        }
    expect(differ).toEqual([]);
  });
  it('writes ISO dates in the compact form', () => {
    expect(isoToCompactDate('2024-03-01')).toBe('20240301');
    expect(isoToCompactDate(null)).toBe('');
    expect(isoToCompactDate('')).toBe('');
  });
  it('writes the execution time in JST', () => {
    expect(processExecutionTime(new Date('2021-07-15T01:02:03Z'))).toBe('20210715100203');
    // The same second (kept), the next one, a second before, and back to the first.
    expect(processExecutionTime(new Date('2021-07-15T01:02:03.999Z'))).toBe('20210715100203');
    expect(processExecutionTime(new Date('2021-07-15T01:02:04Z'))).toBe('20210715100204');
    expect(processExecutionTime(new Date('2021-07-15T14:59:59.500Z'))).toBe('20210715235959');
    expect(processExecutionTime(new Date('2021-07-15T15:00:00Z'))).toBe('20210716000000');
    expect(processExecutionTime(new Date('1969-12-31T23:59:59.500Z'))).toBe('19700101085959');
  });
});

describe('responses', () => {
  const context = {
    at: new Date('2021-07-15T01:00:00Z'),
    confirmationDate: '2021-07-15',
    medicalInstitutionCode: '0110113719',
    referenceClassification: '2',
  };
  // Public client code reads an error from the header's SegmentOfResult / ErrorCode and the body's
  // ProcessingResultStatus, and rejects a QualificationValidity outside OQSCD006 (docs/oqs-public-sources.md).
  it('keeps the full header and ProcessingResultStatus on errors, and no empty validity', () => {
    const message = buildErrorResponse(context, 'INVALID_INSURER_NUMBER', 'bad check digit');
    expect(message.XmlMsg.MessageHeader).toMatchObject({
      SegmentOfResult: '9',
      ErrorCode: 'INVALID_INSURER_NUMBER',
      QualificationConfirmationDate: '20210715',
      CharacterCodeIdentifier: '0',
    });
    expect(message.XmlMsg.MessageBody.ProcessingResultStatus).toBe('2');
    const json = JSON.parse(oqsJson(SEARCH_RESPONSE, message)) as {
      XmlMsg: { MessageBody: Record<string, unknown> };
    };
    expect(json.XmlMsg.MessageBody).not.toHaveProperty('QualificationValidity');
    // The public client's parser (hangilc/myclinic-ts MessageBody) requires ResultList to be an
    // array on every JSON answer: an empty one on errors.
    expect(json.XmlMsg.MessageBody).toEqual({
      ProcessingResultStatus: '2',
      ProcessingResultCode: 'INVALID_INSURER_NUMBER',
      ProcessingResultMessage: 'bad check digit',
      ResultList: [],
    });
  });
  it('answers an empty result list when nothing matched (JSON only) and echoes the keys first', () => {
    const searchInfo = {
      InsurerNumber: '01130012',
      InsuredIdentificationNumber: '1',
      Birthdate: '20000101',
    };
    const json = JSON.parse(
      oqsJson(SEARCH_RESPONSE, buildSearchResponse({ ...context, searchInfo }, '4', [])),
    ) as { XmlMsg: { MessageBody: Record<string, unknown> } };
    expect(json.XmlMsg.MessageBody).toEqual({
      QualificationConfirmSearchInfo: searchInfo,
      ProcessingResultStatus: '1',
      QualificationValidity: '4',
      ResultList: [],
    });
    const xml = oqsXml(SEARCH_RESPONSE, buildSearchResponse({ ...context, searchInfo }, '4', []));
    expect(xml).not.toContain('ResultList');
    expect(Object.keys(json.XmlMsg.MessageBody)[0]).toBe('QualificationConfirmSearchInfo');
  });
  it('writes the post number as 123-4567', () => {
    expect(formatPostNumber('1234567')).toBe('123-4567');
    expect(formatPostNumber('123-4567')).toBe('123-4567');
  });
  it('counts normal and error bulk units', () => {
    const searchInfo = {
      InsurerNumber: '01130012',
      InsuredIdentificationNumber: '1',
      Birthdate: '20000101',
    };
    const unit = (status: string) => ({
      QualificationConfirmSearchInfo: searchInfo,
      ProcessingResultStatus: status,
    });
    const message = buildBulkResult(
      {
        at: context.at,
        receptionNumber: 'R1',
        medicalInstitutionCode: '0110113719',
        confirmationDate: '2021-07-15',
      },
      [unit('1'), unit('2'), unit('1')],
    );
    expect(message.XmlMsg.MessageHeader).toMatchObject({
      NumberOfProcessingResult: '3',
      NumberOfNormalProcessing: '2',
      NumberOfError: '1',
    });
  });
});
