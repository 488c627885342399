// GET /fhir/metadata: what this FHIR endpoint does, as a CapabilityStatement (FHIR R4 §2.21.0.x
// "capabilities" interaction). One operation on one resource type; JSON only.
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { jstDateTime } from './resources.js';
import { JP_PROFILE } from './systems.js';

export function capabilityStatement(at: Date, baseUrl: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: jstDateTime(at),
    publisher: 'shikaku',
    kind: 'instance',
    software: { name: 'shikaku eligibility-api' },
    implementation: {
      description: 'Online eligibility confirmation (オンライン資格確認) over FHIR R4',
      url: baseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Authorization: Bearer <idToken> from POST /v1/auth/token (the institution credentials the OQS API uses).',
        security: {
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'OAuth',
                },
              ],
            },
          ],
          description: 'Bearer token of the institution (client credentials).',
        },
        resource: [
          {
            type: 'CoverageEligibilityRequest',
            operation: [
              {
                name: 'submit',
                definition:
                  'http://hl7.org/fhir/OperationDefinition/CoverageEligibilityRequest-submit',
                documentation:
                  'POST [base]/CoverageEligibilityRequest/$submit (or POST [base]/CoverageEligibilityRequest): answers a CoverageEligibilityResponse; nothing is stored.',
              },
            ],
          },
          { type: 'CoverageEligibilityResponse' },
          { type: 'Coverage', supportedProfile: [JP_PROFILE.coverage] },
          { type: 'Patient', supportedProfile: [JP_PROFILE.patient] },
          { type: 'Organization', supportedProfile: [JP_PROFILE.organization] },
        ],
      },
    ],
  };
}
