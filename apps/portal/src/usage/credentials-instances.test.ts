// Two portal instances on one database, behind a load balancer that sends each request where the
// test says: the secret issued on one instance is shown by the other, once, and never again by
// either; it waits in the database sealed, never in clear.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { directoryReceiptStore } from '../subsidy/receipt-store.js';
import { type Client, type Harness, signUp, startHarness } from '../testing/harness.js';
import { staffClient } from '../testing/staff.js';
import { testDatabaseKinds } from '@shikaku/db/testing/test-database';

for (const kind of testDatabaseKinds()) {
  describe(`the shown-once secret with two portal instances on one database [${kind}]`, () => {
    let h: Harness;
    let second: FastifyInstance;
    let target: FastifyInstance;
    let pharmacy: Client;

    beforeAll(async () => {
      h = await startHarness('2021-06-01T10:00:00+09:00', {}, kind);
      second = await buildApp(h.config, {
        handle: h.handle,
        clock: h.clock,
        eligibility: h.eligibility,
        receipts: directoryReceiptStore(h.config.uploadDir),
      });
      target = h.app;
      const balancer = {
        inject: (options: InjectOptions) => target.inject(options),
      } as unknown as FastifyInstance;
      pharmacy = await signUp(balancer, {
        institutionCode: '1340000015',
        facilityType: 'pharmacy',
        email: 'pharmacy-lb@example.jp',
      });
      const operator = await staffClient(balancer, h.handle, 'operator');
      await pharmacy.post('/usage', {});
      const list = await operator.get('/operator/usage');
      const id = /action="\/operator\/usage\/(\d+)\/approve"/.exec(list.body)?.[1];
      await operator.post(`/operator/usage/${id}/approve`, {});
    });
    afterAll(async () => {
      await second?.close();
      await h?.close();
    });

    it('is issued on one instance, shown once by the other, and by neither again', async () => {
      target = h.app;
      await pharmacy.get('/usage');
      expect((await pharmacy.post('/usage/credentials', {})).statusCode).toBe(303);
      // While it waits, the database holds it sealed only.
      const waiting = await h.handle.db
        .selectFrom('portal.credential_reveals')
        .selectAll()
        .execute();
      expect(waiting).toHaveLength(1);
      expect(JSON.stringify(waiting)).not.toContain('secret-1-xyzzy');

      target = second;
      const shown = await pharmacy.get('/usage/credentials/issued');
      expect(shown.body).toContain('secret-1-xyzzy');
      for (const instance of [h.app, second, h.app]) {
        target = instance;
        const reload = await pharmacy.get('/usage/credentials/issued');
        expect(reload.body).not.toContain('secret-1-xyzzy');
        expect(reload.body).toContain('一度だけ表示しました');
      }
      expect(
        await h.handle.db.selectFrom('portal.credential_reveals').selectAll().execute(),
      ).toEqual([]);
      expect(h.eligibility.issued).toHaveLength(1);
      expect(h.eligibility.revoked).toEqual([]);
    });

    it('shows a rotated secret once whichever instance serves the page', async () => {
      target = second;
      await pharmacy.get('/usage/credentials/rotate');
      const rotated = await pharmacy.post('/usage/credentials/rotate', {
        clientId: 'client-1340000015-1',
        confirm: '1',
      });
      expect(rotated.statusCode).toBe(303);
      target = h.app;
      expect((await pharmacy.get('/usage/credentials/issued')).body).toContain('secret-2-xyzzy');
      target = second;
      expect((await pharmacy.get('/usage/credentials/issued')).body).not.toContain(
        'secret-2-xyzzy',
      );
    });

    it('shows nothing once the time to pick it up has passed', async () => {
      target = h.app;
      await pharmacy.get('/usage/credentials/rotate');
      await pharmacy.post('/usage/credentials/rotate', {
        clientId: 'client-1340000015-2',
        confirm: '1',
      });
      h.clock.advance(11 * 60_000);
      target = second;
      const late = await pharmacy.get('/usage/credentials/issued');
      expect(late.body).not.toContain('secret-3-xyzzy');
      expect(late.body).toContain('一度だけ表示しました');
    });
  });
}
