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
import { formatDate } from '../web/dates.js';

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

/** The application's model-selection deadline: its own when the consultation desk extended it. */
export function modelDeadline(app: ReaderApplication): string {
  return app.model_deadline ?? MODEL_SELECTION_DEADLINE.extended;
}

/**
 * The status the rules give the application today (an undecided one past its deadline is
 * cancelled), except that one whose consultation is still open at the desk is held, not cancelled.
 */
export function applicationStatus(app: ReaderApplication, today: string): ReaderApplicationStatus {
  if (app.status === 'cancelled') return 'cancelled';
  const status = readerApplicationStatus(modelChoice(app.model), today, modelDeadline(app));
  return status === 'cancelled' && app.consultation_status === 'open' ? 'awaiting-model' : status;
}

/** The status in words, with this application's own deadline. */
export function statusText(app: ReaderApplication, today: string): string {
  const status = applicationStatus(app, today);
  const deadline = formatDate(modelDeadline(app));
  if (status === 'model-chosen') return '申込済み（機種選定済み）';
  if (status === 'cancelled')
    return `取消（機種選定期限 ${deadline} までに機種が選定されませんでした）`;
  if (app.consultation_status === 'open' && today > modelDeadline(app))
    return `機種未定：相談窓口で検討中です（期限 ${deadline} を過ぎても、回答まで取り消されません）`;
  return `機種未定：${deadline} までに機種を選定してください${app.consultation_status === 'extended' ? '（相談窓口により延長）' : ''}`;
}

export const EVENT_TEXT: Record<string, string> = {
  applied: '申込',
  model_changed: '機種変更',
  consultation: '相談窓口への相談',
  cancelled: '取消',
  reminder: '期限のお知らせ',
  consultation_reply: '相談窓口からの回答',
  consultation_extended: '相談窓口：期限の延長',
  consultation_declined: '相談窓口：延長しない',
};

export const ACTOR_TEXT: Record<string, string> = {
  institution: '医療機関',
  callcentre: 'コールセンター（電話受付）',
  system: 'システム',
  desk: '相談窓口',
};

/** History line of a new application. */
export function appliedDetail(model: string | null, quantity: number): string {
  return `${modelLabel(model)} × ${quantity}台`;
}

/** History line of a model change, from the model before it. */
export function modelChangeDetail(to: string): (before: string | null) => string {
  return (before) => `${modelLabel(before)} → ${modelLabel(to)}`;
}
