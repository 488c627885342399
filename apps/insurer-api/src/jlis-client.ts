import type { PersonFacts } from '@shikaku/core/mis-entry';

/** J-LIS did not answer (down, slow, 5xx): the caller retries later. */
export class JlisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JlisUnavailableError';
  }
}

export interface JlisClient {
  /** The resident's five facts, or null when J-LIS has no such resident. */
  resident(myNumber: string): Promise<PersonFacts | null>;
  /** The certificate's holder and status, or null when there is no such certificate. */
  certificate(serial: string): Promise<{ myNumber: string; status: string } | null>;
}

/** The J-LIS emulator over HTTP (`x-service-key`), with a timeout per call. */
export function httpJlisClient(options: {
  url: string;
  serviceKey: string;
  timeoutMs: number;
}): JlisClient {
  const call = async (path: string): Promise<unknown | null> => {
    let response: Response;
    try {
      response = await fetch(`${options.url}${path}`, {
        headers: { 'x-service-key': options.serviceKey },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new JlisUnavailableError(`J-LIS did not answer: ${(error as Error).name}`);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new JlisUnavailableError(`J-LIS answered ${response.status}`);
    }
    return response.json();
  };
  return {
    async resident(myNumber) {
      const body = (await call(`/v1/residents/${encodeURIComponent(myNumber)}`)) as {
        name: string;
        nameKana: string;
        birthDate: string;
        sex: string;
        address: string;
      } | null;
      return body
        ? {
            name: body.name,
            kanaName: body.nameKana,
            birthDate: body.birthDate,
            sex: body.sex,
            address: body.address,
          }
        : null;
    },
    async certificate(serial) {
      return (await call(`/v1/certificates/${encodeURIComponent(serial)}`)) as {
        myNumber: string;
        status: string;
      } | null;
    },
  };
}
