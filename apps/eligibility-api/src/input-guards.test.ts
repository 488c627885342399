// The input guards (platform input-guards.ts) run as callback hooks on every route; what they
// refuse must still reach each scope's own error handler and answer in that scope's shape: the
// spec routes an XmlMsg, the FHIR routes an OperationOutcome, the REST routes { code, reason }.
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SPEC_PREFIX } from './routes/spec.js';
import { createFixture, type Fixture } from './testing/fixture.js';

describeEachDatabase("the input guards' refusals", ({ handle }) => {
  let f: Fixture;
  let token = '';
  beforeAll(async () => {
    f = await createFixture(handle());
    token = await f.token();
  });
  afterAll(() => f.app.close());

  it('answer a spec route as an XmlMsg with SegmentOfResult 9', async () => {
    const response = await f.app.inject({
      method: 'POST',
      url: `${SPEC_PREFIX}/MSA01030/ILI01030SV01/search?a=1&a=2`,
      headers: { authorization: token, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(400);
    const header = (response.json() as { XmlMsg: { MessageHeader: Record<string, string> } }).XmlMsg
      .MessageHeader;
    expect(header).toMatchObject({ SegmentOfResult: '9', ErrorCode: 'VALIDATION_FAILED' });
    expect(header.ErrorMessage).toContain('query.a');
  });

  it('answer a FHIR route as an OperationOutcome', async () => {
    const response = await f.app.inject({
      method: 'GET',
      url: '/fhir/Patient?a=1&a=2',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', details: { coding: [{ code: 'VALIDATION_FAILED' }] } }],
    });
  });

  it('answer a REST route with the code, the field and the reason', async () => {
    const response = await f.app.inject({
      method: 'GET',
      url: '/v1/bulk-inquiries/%00',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'receptionNumber',
      reason: 'NUL',
    });
  });
});
