// How reader models, statuses and rule outcomes read in Japanese.
import {
  type ReaderApplicationError,
  READER_MODELS,
  readerApplicationStatus,
  type ReaderApplicationStatus,
  type ReaderModelChoice,
  type ReaderModelId,
  MODEL_UNDECIDED,
  MODEL_SELECTION_DEADLINE,
  UNDECIDED_WINDOW,
} from '@shikaku/core/card-readers';
import type { ReaderApplication } from '@shikaku/db/portal/reader-applications';

export function modelLabel(model: string | null): string {
  if (model === null || model === MODEL_UNDECIDED) return '機種未定';
  const m = READER_MODELS.find((r) => r.id === model);
  return m ? `${m.maker} ${m.product}` : model;
}

export const MODEL_CHOICES: ReadonlyArray<readonly [string, string]> = READER_MODELS.map(
  (m) => [m.id, `${m.maker} ${m.product}`] as const,
);

export const UNDECIDED_CHOICE = [
  MODEL_UNDECIDED,
  `機種未定（${UNDECIDED_WINDOW.from}〜${UNDECIDED_WINDOW.to} の申込に限る）`,
] as const;

export const READER_ERROR_TEXT: Record<ReaderApplicationError, string> = {
  INVALID_READER_COUNT: '台数は1以上の整数で入力してください。',
  READER_QUOTA_EXCEEDED:
    '無償提供の上限台数を超えています（病院は3台まで、診療所・薬局は1台まで。申込済みの台数を含みます）。',
  UNKNOWN_READER_MODEL: '機種を一覧から選択してください。',
  MODEL_UNDECIDED_NOT_ACCEPTED: `「機種未定」での申込は ${UNDECIDED_WINDOW.from}〜${UNDECIDED_WINDOW.to} のみ受け付けました。機種を選択してください。`,
};

/** The stored model (null: 機種未定) as the rules take it; only valid ids are ever stored. */
export function modelChoice(model: string | null): ReaderModelChoice {
  return model === null ? MODEL_UNDECIDED : (model as ReaderModelId);
}

/** The status the rules give the application today (an undecided one past the deadline is cancelled). */
export function applicationStatus(app: ReaderApplication, today: string): ReaderApplicationStatus {
  if (app.status === 'cancelled') return 'cancelled';
  return readerApplicationStatus(modelChoice(app.model), today);
}

export const STATUS_TEXT: Record<ReaderApplicationStatus, string> = {
  'model-chosen': '申込済み（機種選定済み）',
  'awaiting-model': `機種未定：${MODEL_SELECTION_DEADLINE.extended} までに機種を選定してください`,
  cancelled: `取消（機種選定期限 ${MODEL_SELECTION_DEADLINE.extended} までに機種が選定されませんでした）`,
};

export const EVENT_TEXT: Record<string, string> = {
  applied: '申込',
  model_changed: '機種変更',
  consultation: '相談窓口への相談',
  cancelled: '取消',
  reminder: '期限のお知らせ',
};

export const ACTOR_TEXT: Record<string, string> = {
  institution: '医療機関',
  callcentre: 'コールセンター（電話受付）',
  system: 'システム',
};

/** History line of a new application. */
export function appliedDetail(model: string | null, quantity: number): string {
  return `${modelLabel(model)} × ${quantity}台`;
}

/** History line of a model change, from the model before it. */
export function modelChangeDetail(to: string, note?: string): (before: string | null) => string {
  return (before) => `${modelLabel(before)} → ${modelLabel(to)}${note ? `（${note}）` : ''}`;
}
