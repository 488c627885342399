import { join, resolve } from 'node:path';
import {
  CONSENT_SCREENS,
  type ConsentScreen,
  findReaderModel,
  READER_MODELS,
} from './reader-models.js';

/** One reader at one facility, with the terminal folders of its file interface. */
export interface ReaderConfig {
  id: string;
  modelId: string;
  institutionCode: string;
  /** Similarity a face must reach; the model's default when absent. */
  faceThreshold?: number;
  enabledConsents: ConsentScreen[];
  clientId: string;
  clientSecret: string;
  requestDir: string;
  responseDir: string;
}

export interface ReaderEmulatorConfig {
  host: string;
  port: number;
  eligibilityUrl: string;
  /** Where the emulated cards' PIN counters and locks are kept. */
  cardsFile: string;
  pollMs: number;
  logLevel: string;
  asOf: string | undefined;
  readers: ReaderConfig[];
  /** READER_CARD_KEY_SECRET: the cards' user-certificate keys derive from it (J-LIS's own). */
  cardKeySecret: string | undefined;
  /**
   * READER_CITIZEN_ORIGIN: the origin of the citizen's sign-in page (eligibility-api's /citizen/),
   * the one web origin whose script may ask the card to sign (CORS on the signing route only).
   */
  citizenOrigin: string | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** The environment of `node dist/server.js`, parsed once: one reader, its terminal folders. */
export function readReaderEmulatorConfig(
  env: NodeJS.ProcessEnv = process.env,
): ReaderEmulatorConfig {
  const dataDir = resolve(env.READER_DATA_DIR ?? '.shikaku/reader-emulator');
  const id = env.READER_ID ?? 'reader-1';
  const modelId = env.READER_MODEL ?? READER_MODELS[0]!.id;
  if (!findReaderModel(modelId)) {
    throw new ConfigError(
      'READER_MODEL',
      `unknown model; one of ${READER_MODELS.map((m) => m.id).join(', ')}`,
    );
  }
  const clientId = env.READER_CLIENT_ID;
  const clientSecret = env.READER_CLIENT_SECRET;
  if (!clientId) throw new ConfigError('READER_CLIENT_ID', 'the institution client id is required');
  if (!clientSecret)
    throw new ConfigError('READER_CLIENT_SECRET', 'the institution client secret is required');
  const institutionCode = env.READER_INSTITUTION_CODE ?? '';
  if (!/^\d{10}$/.test(institutionCode))
    throw new ConfigError('READER_INSTITUTION_CODE', 'a 10-digit institution code is required');
  return {
    host: env.READER_HOST ?? '127.0.0.1',
    port: integer(env, 'READER_PORT', 7304),
    eligibilityUrl: env.ELIGIBILITY_URL ?? 'http://127.0.0.1:7302',
    cardsFile: join(dataDir, 'cards.json'),
    pollMs: integer(env, 'READER_POLL_MS', 500),
    logLevel: env.LOG_LEVEL ?? 'info',
    asOf: env.SHIKAKU_AS_OF || undefined,
    cardKeySecret: env.READER_CARD_KEY_SECRET || undefined,
    citizenOrigin: env.READER_CITIZEN_ORIGIN ? origin(env.READER_CITIZEN_ORIGIN) : undefined,
    readers: [
      {
        id,
        modelId,
        institutionCode,
        faceThreshold: env.READER_FACE_THRESHOLD ? fraction(env.READER_FACE_THRESHOLD) : undefined,
        enabledConsents: consents(env.READER_CONSENTS),
        clientId,
        clientSecret,
        requestDir: resolve(env.READER_REQUEST_DIR ?? join(dataDir, id, 'requests')),
        responseDir: resolve(env.READER_RESPONSE_DIR ?? join(dataDir, id, 'responses')),
      },
    ],
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(name, 'not a whole number');
  return value;
}

function origin(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    throw new ConfigError('READER_CITIZEN_ORIGIN', 'an origin such as http://127.0.0.1:7302');
  }
}

function fraction(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new ConfigError('READER_FACE_THRESHOLD', 'a number from 0 to 1');
  return value;
}

/** Comma-separated consent screens; all of them when unset. */
export function consents(raw: string | undefined): ConsentScreen[] {
  if (raw === undefined) return [...CONSENT_SCREENS];
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!CONSENT_SCREENS.includes(name as ConsentScreen))
      throw new ConfigError(
        'READER_CONSENTS',
        `unknown screen ${name}; one of ${CONSENT_SCREENS.join(', ')}`,
      );
  }
  return names as ConsentScreen[];
}
