/**
 * Reading OQS XML documents into the JSON form (same tag names, every value a string; repeated
 * items always read as arrays so that `readForm` in oqs-schema.ts can turn them into the JSON
 * form's wrapper lists). Writing is `writeXml` in oqs-schema.ts, in schema order.
 *
 * Encoding: the header's CharacterCodeIdentifier says 0 UTF-8 or 1 Shift_JIS; terminals of the
 * real system still write Shift_JIS files. `decodeOqsXml` takes the raw bytes and decodes
 * Shift_JIS when the XML declaration says so. We always write UTF-8 (identifier 0).
 *
 * A message is a few kilobytes of plain elements: a document type declaration (and with it any
 * entity definition), or nesting deeper than any message has, is refused before it is parsed.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BULK_RESULT, listItemNames, type OrderedNode, SEARCH_RESPONSE } from './oqs-schema.js';

const REPEATED = listItemNames(BULK_RESULT, listItemNames(SEARCH_RESPONSE));
/** The deepest message (a bulk unit's result's certificate) nests 7 levels; allow some slack. */
export const MAX_XML_DEPTH = 16;

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => REPEATED.has(name),
});

const orderedParser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  preserveOrder: true,
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

const lineOf = (xml: string, index: number) => xml.slice(0, index).split('\n').length;

/** Refuses what no OQS message contains; a value with the line, or undefined when acceptable. */
function refuse(xml: string): { ok: false; line: number; message: string } | undefined {
  const doctype = /<!DOCTYPE|<!ENTITY/i.exec(xml);
  if (doctype)
    return {
      ok: false,
      line: lineOf(xml, doctype.index),
      message: 'a document type declaration is not allowed in an OQS message',
    };
  // Names that are object internals in JavaScript are no OQS element (and break object readers).
  const internal = /<\/?(__proto__|constructor|prototype)[\s/>]/.exec(xml);
  if (internal)
    return {
      ok: false,
      line: lineOf(xml, internal.index),
      message: `<${internal[1]}> is not an element of an OQS message`,
    };
  let depth = 0;
  for (const tag of xml.matchAll(/<(\/?)[A-Za-z_][^>]*?(\/?)>/g)) {
    if (tag[1]) depth -= 1;
    else if (!tag[2]) depth += 1;
    if (depth > MAX_XML_DEPTH)
      return {
        ok: false,
        line: lineOf(xml, tag.index),
        message: `elements are nested deeper than ${MAX_XML_DEPTH} levels`,
      };
  }
  return undefined;
}

/** Parses an OQS XML document into the JSON form; a malformed document is a value with its line. */
export function parseOqsXml(xml: string): XmlReadResult {
  const refused = refuse(xml);
  if (refused) return refused;
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, line: valid.err.line, message: valid.err.msg };
  let value: unknown;
  try {
    value = parser.parse(xml);
  } catch (error) {
    return {
      ok: false,
      line: 1,
      message: error instanceof Error ? error.message : 'unreadable XML',
    };
  }
  if (typeof value !== 'object' || value === null)
    return { ok: false, line: 1, message: 'the document has no root element' };
  return { ok: true, value: emptyToString(value) as Record<string, unknown> };
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

type OrderedXml = Array<Record<string, unknown>>;

/** The root element of an XML document with its elements in document order (for checkMessage). */
export function orderedFromXml(xml: string): OrderedNode | undefined {
  if (refuse(xml) || XMLValidator.validate(xml) !== true) return undefined;
  const root = (orderedParser.parse(xml) as OrderedXml).find((n) => !('#text' in n));
  return root ? toNode(root) : undefined;
}

function toNode(entry: Record<string, unknown>): OrderedNode {
  const name = Object.keys(entry).find((k) => k !== ':@')!;
  const children = entry[name] as OrderedXml;
  const elements = children.filter((c) => !('#text' in c));
  if (elements.length === 0) {
    const text = children.map((c) => String(c['#text'])).join('');
    return { name, value: text };
  }
  return { name, value: elements.map(toNode) };
}
