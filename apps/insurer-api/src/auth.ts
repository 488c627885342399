import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { DatabaseHandle } from '@shikaku/db/database';
import { findInsurerByKeyHash, type Insurer } from '@shikaku/db/intermediate/insurers';
import { AppError } from '@shikaku/platform/errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated insurer (insurer routes only). */
    insurer?: Insurer;
  }
}

/** Only a hash of an insurer's key is stored. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** `authorization: Bearer <insurer key>` → request.insurer. */
export function insurerAuth(handle: DatabaseHandle) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!key)
      throw new AppError('UNAUTHENTICATED', 'send the insurer key as Authorization: Bearer');
    const insurer = await findInsurerByKeyHash(handle, hashKey(key));
    if (!insurer) throw new AppError('UNAUTHENTICATED', 'unknown insurer key');
    request.insurer = insurer;
  };
}

export function requireInsurer(request: FastifyRequest): Insurer {
  if (!request.insurer) throw new AppError('UNAUTHENTICATED', 'not authenticated');
  return request.insurer;
}

/** `x-service-key` of the other services (eligibility-api, operators' jobs). */
export function serviceAuth(expected: string) {
  const want = Buffer.from(expected);
  return async (request: FastifyRequest): Promise<void> => {
    const given = request.headers['x-service-key'];
    const got = Buffer.from(typeof given === 'string' ? given : '');
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      throw new AppError('UNAUTHENTICATED', 'missing or wrong x-service-key');
    }
  };
}
