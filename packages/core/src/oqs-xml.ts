/**
 * XML ⇄ JSON for the OQS messages, with the same tag names in both forms (oqs-message.ts). Every
 * value reads back as a string, like the JSON form. Repeating elements (one qualification per
 * ResultOfQualificationConfirmation, one BulkConfirmUnit per item) always read as arrays.
 *
 * Encoding: the header's CharacterCodeIdentifier says 0 UTF-8 or 1 Shift_JIS; terminals of the
 * real system still write Shift_JIS files. `decodeOqsXml` takes the raw bytes and decodes
 * Shift_JIS when the XML declaration says so. We always write UTF-8 (identifier 0).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

const ALWAYS_ARRAYS = new Set(['ResultOfQualificationConfirmation', 'BulkConfirmUnit']);

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => ALWAYS_ARRAYS.has(name),
});

const builder = new XMLBuilder({
  ignoreAttributes: true,
  format: false,
  suppressEmptyNode: false,
});

export type XmlReadResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; line: number; message: string };

/** Bytes → text: Shift_JIS when the declaration names it, else UTF-8. */
export function decodeOqsXml(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const encoding = /encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  const shiftJis = encoding === 'shift_jis' || encoding === 'sjis' || encoding === 'windows-31j';
  return new TextDecoder(shiftJis ? 'shift_jis' : 'utf-8').decode(bytes);
}

/** Parses an OQS XML document into the JSON form; a malformed document is a value with its line. */
export function parseOqsXml(xml: string): XmlReadResult {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, line: valid.err.line, message: valid.err.msg };
  const value = parser.parse(xml) as unknown;
  if (typeof value !== 'object' || value === null)
    return { ok: false, line: 1, message: 'the document has no root element' };
  return { ok: true, value: emptyToString(value) as Record<string, unknown> };
}

/** The JSON form → an XML document (UTF-8 declaration, same tag names). */
export function toOqsXml(message: object): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n${builder.build(message) as string}`;
}

// An empty element (<InsuredBranchNumber/>) parses as '' so both forms agree.
function emptyToString(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(emptyToString);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, emptyToString(inner)]),
    );
  }
  return value ?? '';
}
