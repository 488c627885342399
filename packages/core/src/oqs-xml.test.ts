import { describe, expect, it } from 'vitest';
import { buildSearchResponse, oqsXml, readSearchRequest } from './oqs-message.js';
import { readForm, SEARCH_RESPONSE, writeJson } from './oqs-schema.js';
import { decodeOqsXml, parseOqsXml } from './oqs-xml.js';

const requestXml = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20210715</QualificationConfirmationDate>
<MedicalInstitutionCode>0110113719</MedicalInstitutionCode></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>00138057</InsurerNumber>
<InsuredCardSymbol>ｼｶｸ</InsuredCardSymbol><InsuredIdentificationNumber>0012</InsuredIdentificationNumber>
<InsuredBranchNumber/><Birthdate>19890913</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;

describe('parseOqsXml', () => {
  it('reads every value as a string with leading zeros kept', () => {
    const parsed = parseOqsXml(requestXml);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const read = readSearchRequest(parsed.value);
    expect(read).toMatchObject({
      ok: true,
      value: {
        insurerNumber: '138057',
        insuredIdentificationNumber: '0012',
        insuredBranchNumber: undefined,
      },
    });
  });

  it('reports the line of malformed XML', () => {
    const parsed = parseOqsXml('<XmlMsg>\n<MessageHeader>\n</XmlMsg>');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.line).toBeGreaterThanOrEqual(2);
  });

  it('round-trips a response with the same tag names and a one-item list', () => {
    const result = {
      InsuredCardClassification: '01',
      InsurerNumber: '01130012',
      Name: 'シカク & ハナコ',
      Sex1: '2',
      Birthdate: '19890913',
      InsurerName: '<協会>',
    };
    const message = buildSearchResponse(
      {
        at: new Date('2021-07-15T00:00:00Z'),
        confirmationDate: '2021-07-15',
        medicalInstitutionCode: '0110113719',
        referenceClassification: '2',
      },
      '1',
      [result],
    );
    const xml = oqsXml(SEARCH_RESPONSE, message);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"')).toBe(true);
    expect(xml).toContain('<ResultList><ResultOfQualificationConfirmation>');
    const back = parseOqsXml(xml);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    // The XML reads back into the JSON form: ResultList an array of one wrapper.
    expect(readForm(SEARCH_RESPONSE, back.value.XmlMsg)).toEqual(
      writeJson(SEARCH_RESPONSE, message.XmlMsg).XmlMsg,
    );
  });

  it('refuses a document type declaration and deep nesting before parsing', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><XmlMsg>&b;</XmlMsg>`;
    expect(parseOqsXml(bomb)).toMatchObject({
      ok: false,
      message: expect.stringContaining('document type'),
    });
    const deep = `${'<a>'.repeat(40)}x${'</a>'.repeat(40)}`;
    expect(parseOqsXml(deep)).toMatchObject({
      ok: false,
      message: expect.stringContaining('nested'),
    });
    expect(parseOqsXml(`${'<a>'.repeat(10)}x${'</a>'.repeat(10)}`).ok).toBe(true);
    for (const name of ['__proto__', 'constructor', 'prototype'])
      expect(parseOqsXml(`<XmlMsg>\n<${name}><x>1</x></${name}></XmlMsg>`)).toMatchObject({
        ok: false,
        line: 2,
      });
  });
});

describe('decodeOqsXml', () => {
  it('decodes Shift_JIS when the declaration says so', () => {
    // "シカク" in Shift_JIS: 83 56 83 4A 83 4E
    const head = new TextEncoder().encode('<?xml version="1.0" encoding="Shift_JIS"?><A>');
    const body = Uint8Array.from([0x83, 0x56, 0x83, 0x4a, 0x83, 0x4e]);
    const tail = new TextEncoder().encode('</A>');
    const bytes = new Uint8Array([...head, ...body, ...tail]);
    expect(decodeOqsXml(bytes)).toContain('<A>シカク</A>');
  });
  it('reads UTF-8 by default', () => {
    expect(decodeOqsXml(new TextEncoder().encode('<A>シカク</A>'))).toBe('<A>シカク</A>');
  });
});
