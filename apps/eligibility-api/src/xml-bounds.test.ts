// XML is bounded before it is parsed: the 4.8 MB nested document of the overload report is refused
// by size under /oqs-api-pro (64 KiB) and by media type on the REST routes (they read JSON only);
// a small document nested past 16 levels is refused by depth. Each with a stable code.
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFixture, type Fixture } from './testing/fixture.js';

const SEARCH = '/oqs-api-pro/MSA01030/ILI01030SV01/search';
const nested = (depth: number) => `<XmlMsg>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</XmlMsg>`;

describeEachDatabase('eligibility-api XML bounds', ({ handle }) => {
  let f: Fixture;
  let idToken: string;
  beforeAll(async () => {
    f = await createFixture(handle());
    idToken = await f.token();
  });
  afterAll(async () => {
    await f.app.close();
  });

  it('refuses the 4.8 MB nested document by size, in the spec shape', async () => {
    const body = nested(200_000);
    expect(body.length).toBeGreaterThan(1_400_000);
    const big = `${body}${' '.repeat(4_800_000 - body.length)}`;
    const response = await f.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/xml' },
      payload: big,
    });
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('<ErrorCode>PAYLOAD_TOO_LARGE</ErrorCode>');
  });

  it('refuses XML on the REST routes by media type, and deep nesting by depth', async () => {
    for (const url of ['/v1/confirmations', '/v1/bulk-inquiries', '/v1/card-confirmations']) {
      const response = await f.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/xml' },
        payload: nested(200_000),
      });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    const deep = await f.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/xml' },
      payload: nested(40),
    });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<ErrorCode>MALFORMED_BODY</ErrorCode>');
    expect(deep.body).toMatch(/nested deeper than 16/);
  });
});
