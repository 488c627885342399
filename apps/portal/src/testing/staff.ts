import type { FastifyInstance } from 'fastify';
import { insertAccount } from '@shikaku/db/portal/accounts';
import type { DatabaseHandle } from '@shikaku/db/database';
import { hashPassword } from '../auth/passwords.js';
import { Client } from './harness.js';

/** An operator or call-centre account, logged in. */
export async function staffClient(
  app: FastifyInstance,
  handle: DatabaseHandle,
  role: 'operator' | 'callcentre',
  email = `${role}@example.jp`,
): Promise<Client> {
  const at = new Date('2021-01-01T00:00:00Z');
  await insertAccount(handle, {
    email,
    passwordHash: await hashPassword('staff-password-1'),
    role,
    institutionCode: null,
    createdAt: at,
    emailVerifiedAt: at,
  });
  const client = new Client(app);
  await client.get('/login');
  const login = await client.post('/login', { email, password: 'staff-password-1' });
  if (login.statusCode !== 303) throw new Error(`staff login failed: ${login.statusCode}`);
  return client;
}
