import { describe, expect, it } from 'vitest';
import { readPortalConfig } from './config.js';

describe('portal config', () => {
  it('needs the service key only when it calls eligibility-api, and refuses a default one', () => {
    expect(readPortalConfig({}).serviceKey).toBeUndefined();
    expect(() => readPortalConfig({ ELIGIBILITY_API_URL: 'http://127.0.0.1:7302' })).toThrow(
      /^SHIKAKU_SERVICE_KEY: is required/,
    );
    expect(() =>
      readPortalConfig({
        ELIGIBILITY_API_URL: 'http://127.0.0.1:7302',
        SHIKAKU_SERVICE_KEY: 'dev-service-key',
      }),
    ).toThrow(/^SHIKAKU_SERVICE_KEY: is a published default/);
  });

  it('never serves the development mailbox, whatever SMTP_URL says', () => {
    expect(readPortalConfig({}).mailbox).toBe(false);
    expect(readPortalConfig({ SMTP_URL: '' }).mailbox).toBe(false);
  });
});
