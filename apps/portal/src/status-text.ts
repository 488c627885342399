import type { ReaderApplication } from '@shikaku/db/portal/reader-applications';
import type { SubsidyApplication } from '@shikaku/db/portal/subsidy-applications';
import type { UsageApplication } from '@shikaku/db/portal/usage-applications';
import { modelLabel } from './readers/text.js';

export const USAGE_STATUS_TEXT: Record<UsageApplication['status'], string> = {
  submitted: '審査中',
  approved: '承認済み（運用中）',
  rejected: '却下',
};

export const SUBSIDY_STATUS_TEXT: Record<SubsidyApplication['status'], string> = {
  draft: '作成中（未提出）',
  submitted: '提出済み（審査中）',
  approved: '承認',
  returned: '差し戻し',
  rejected: '不承認',
  withdrawn: '取り下げ',
};

/** The マイページ line: the model's maker and product name, never the internal id. */
export function readerStatusText(r: ReaderApplication): string {
  if (r.status === 'cancelled') return '取消（機種選定期限までに機種が選定されませんでした）';
  return r.model === null
    ? `機種未定 × ${r.quantity}台（機種の選定が必要です）`
    : `${modelLabel(r.model)} × ${r.quantity}台`;
}
