import type { SubsidyReason } from '@shikaku/core/subsidy';

export const SUBSIDY_ERROR_TEXT: Record<SubsidyReason, { field: string; text: string }> = {
  COST: { field: 'projectCost', text: '事業費は0以上の整数（円、税込）で入力してください。' },
  READERS: {
    field: 'readers',
    text: '導入台数は、病院は1〜3台、診療所・薬局は1台で入力してください。',
  },
};

/** "1,234,567" or "1234567円" → 1234567; anything else → NaN. */
export function parseYen(input: string | undefined): number {
  const cleaned = (input ?? '').normalize('NFKC').replace(/[,，円\s]/g, '');
  return /^\d{1,10}$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}
