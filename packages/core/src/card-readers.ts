import type { IsoDate } from './dates.js';
import type { FacilityType } from './facility.js';

/**
 * Free face-authentication card readers (顔認証付きカードリーダー) under the 2021 campaign.
 * Dates are JST calendar dates (callers take them from the injected clock with jstDate()).
 */

/** Free units by facility type: hospital up to 3, every other facility 1 (large chains too). */
export const FREE_READER_QUOTA: Record<FacilityType, number> = {
  hospital: 3,
  clinic: 1,
  'dental-clinic': 1,
  pharmacy: 1,
  'large-chain-pharmacy': 1,
};

/**
 * The four models on offer in 2021. Makers and product names are given as labels for the
 * emulator; the ids are ours, and the product names are not verified against the official
 * catalogue (the portal's "メーカー・製品名（型番）" field is free to hold any of them).
 */
export const READER_MODELS = [
  { id: 'panasonic', maker: 'パナソニック', product: '顔認証付きカードリーダー (Panasonic)' },
  { id: 'fujitsu', maker: '富士通Japan', product: 'Caora' },
  { id: 'almex', maker: 'アルメックス', product: '顔認証付きカードリーダー (ALMEX)' },
  {
    id: 'canon',
    maker: 'キヤノンマーケティングジャパン',
    product: '顔認証付きカードリーダー (Canon)',
  },
] as const;
export type ReaderModelId = (typeof READER_MODELS)[number]['id'];
export const MODEL_UNDECIDED = 'undecided';
export type ReaderModelChoice = ReaderModelId | typeof MODEL_UNDECIDED;

/** 「機種未定」 applications were accepted only in this window (inclusive). */
export const UNDECIDED_WINDOW = { from: '2021-02-01', to: '2021-03-31' } as const;
/** The model had to be chosen by 2021-06-30, extended to 2021-08-01 (inclusive, JST). */
export const MODEL_SELECTION_DEADLINE = { original: '2021-06-30', extended: '2021-08-01' } as const;

export function isReaderModelId(s: string): s is ReaderModelId {
  return READER_MODELS.some((m) => m.id === s);
}

export interface ReaderApplicationInput {
  facilityType: FacilityType;
  units: number;
  model: string;
  /** JST date the application is made. */
  appliedOn: IsoDate;
}

export const READER_APPLICATION_ERRORS = [
  'INVALID_READER_COUNT',
  'READER_QUOTA_EXCEEDED',
  'UNKNOWN_READER_MODEL',
  'MODEL_UNDECIDED_NOT_ACCEPTED',
] as const;
export type ReaderApplicationError = (typeof READER_APPLICATION_ERRORS)[number];

export type ReaderApplicationCheck =
  | { ok: true; model: ReaderModelChoice }
  | { ok: false; code: ReaderApplicationError; field: 'units' | 'model'; message: string };

/** Checks a new reader application on the day it is made. */
export function checkReaderApplication(input: ReaderApplicationInput): ReaderApplicationCheck {
  const quota = FREE_READER_QUOTA[input.facilityType];
  if (!Number.isInteger(input.units) || input.units < 1) {
    return {
      ok: false,
      code: 'INVALID_READER_COUNT',
      field: 'units',
      message: 'the number of readers is a whole number from 1',
    };
  }
  if (input.units > quota) {
    return {
      ok: false,
      code: 'READER_QUOTA_EXCEEDED',
      field: 'units',
      message: `a ${input.facilityType} gets at most ${quota} free reader${quota === 1 ? '' : 's'}`,
    };
  }
  if (input.model === MODEL_UNDECIDED) {
    if (input.appliedOn < UNDECIDED_WINDOW.from || input.appliedOn > UNDECIDED_WINDOW.to) {
      return {
        ok: false,
        code: 'MODEL_UNDECIDED_NOT_ACCEPTED',
        field: 'model',
        message: `「機種未定」 was accepted only from ${UNDECIDED_WINDOW.from} to ${UNDECIDED_WINDOW.to}; name a model`,
      };
    }
    return { ok: true, model: MODEL_UNDECIDED };
  }
  if (!isReaderModelId(input.model)) {
    return {
      ok: false,
      code: 'UNKNOWN_READER_MODEL',
      field: 'model',
      message: `unknown reader model ${input.model}`,
    };
  }
  return { ok: true, model: input.model };
}

export type ReaderApplicationStatus = 'model-chosen' | 'awaiting-model' | 'cancelled';

/**
 * The status of an application on a JST date: an undecided one waits for its model up to and
 * including the (extended) deadline and is cancelled after it.
 */
export function readerApplicationStatus(
  model: ReaderModelChoice,
  asOf: IsoDate,
  deadline: IsoDate = MODEL_SELECTION_DEADLINE.extended,
): ReaderApplicationStatus {
  if (model !== MODEL_UNDECIDED) return 'model-chosen';
  return asOf <= deadline ? 'awaiting-model' : 'cancelled';
}

/** Whether the model of an undecided application may still be chosen on this JST date. */
export function canChooseModel(
  current: ReaderModelChoice,
  asOf: IsoDate,
  deadline: IsoDate = MODEL_SELECTION_DEADLINE.extended,
): boolean {
  return readerApplicationStatus(current, asOf, deadline) !== 'cancelled';
}
