// The portal's emails, in Japanese. Links carry one-time tokens; nothing personal beyond the address.
import type { NewMail } from '@shikaku/db/portal/mail';

export function verificationMail(to: string, link: string): NewMail {
  return {
    to,
    subject: '【医療機関等向けポータルサイト】メールアドレスの確認',
    body: `医療機関等向けポータルサイトへのご登録ありがとうございます。\n\n次のリンクを開いて、メールアドレスの確認を完了してください（24時間有効）。\n${link}\n\nお心当たりのない場合は、このメールを破棄してください。`,
  };
}

export function passwordResetMail(to: string, link: string): NewMail {
  return {
    to,
    subject: '【医療機関等向けポータルサイト】パスワードの再設定',
    body: `パスワード再設定のご依頼を受け付けました。\n\n次のリンクから新しいパスワードを設定してください（1時間有効）。\n${link}\n\nお心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。`,
  };
}

export function readerDeadlineReminderMail(
  to: string,
  deadline: string,
  applicationId: number,
): NewMail {
  return {
    to,
    subject: '【重要】顔認証付きカードリーダーの機種選定期限が近づいています',
    body: `「機種未定」でお申し込みのカードリーダー（申込番号 ${applicationId}）の機種が、まだ選定されていません。\n\n${deadline}までにポータルサイトの「メーカー・製品名（型番）」欄で機種を選定してください。期限を過ぎると、お申し込みは取り消されます。\n\nシステム事業者から見積りが届かない等の特別な事情がある場合は、相談窓口にご相談ください。`,
  };
}

export function readerCancelledMail(to: string, deadline: string, applicationId: number): NewMail {
  return {
    to,
    subject: '【重要】顔認証付きカードリーダーのお申し込みを取り消しました',
    body: `「機種未定」でお申し込みのカードリーダー（申込番号 ${applicationId}）は、機種選定期限（${deadline}）までに機種が選定されなかったため、取り消しました。\n\n引き続き導入をご希望の場合は、ポータルサイトから機種を指定して改めてお申し込みください。`,
  };
}

export function usageApprovedMail(to: string): NewMail {
  return {
    to,
    subject: '【医療機関等向けポータルサイト】利用申請が承認されました',
    body: `オンライン資格確認の利用申請が承認されました。\n\nポータルサイトの「利用申請」ページで接続用の認証情報（クライアントID・シークレット）を一度だけ表示できます。`,
  };
}

export function usageRejectedMail(to: string, id: number, reason: string): NewMail {
  return {
    to,
    subject: '【医療機関等向けポータルサイト】利用申請が承認されませんでした',
    body: `オンライン資格確認の利用申請（申請番号 ${id}）は承認されませんでした。\n\n理由：${reason}\n\n内容をご確認のうえ、ポータルサイトの「利用申請」ページから改めて申請できます。`,
  };
}

const SUBSIDY_DECISION_SUBJECT = {
  approved: '【医療機関等向けポータルサイト】補助金申請が承認されました',
  returned: '【医療機関等向けポータルサイト】補助金申請が差し戻されました',
  rejected: '【医療機関等向けポータルサイト】補助金申請が承認されませんでした',
} as const;

export function subsidyDecisionMail(
  to: string,
  decision: keyof typeof SUBSIDY_DECISION_SUBJECT,
  id: number,
  note: string,
): NewMail {
  const body = {
    approved: `補助金申請（申請番号 ${id}）が承認されました。${note ? `\n\n${note}` : ''}`,
    returned: `補助金申請（申請番号 ${id}）が差し戻されました。内容を修正のうえ、再度提出してください。\n\n理由：${note}`,
    rejected: `補助金申請（申請番号 ${id}）は承認されませんでした（不承認）。\n\n理由：${note}`,
  }[decision];
  return { to, subject: SUBSIDY_DECISION_SUBJECT[decision], body };
}

export function noticeMail(to: string, title: string, body: string): NewMail {
  return { to, subject: `【最新情報】${title}`, body };
}

export function consultationReplyMail(to: string, applicationId: number, body: string): NewMail {
  return {
    to,
    subject: '【医療機関等向けポータルサイト】相談窓口から回答がありました',
    body: `カードリーダーのお申し込み（申込番号 ${applicationId}）についてのご相談に、相談窓口から回答がありました。\n\n${body}\n\nポータルサイトの申込の詳細ページから、続けてご相談いただけます。`,
  };
}

export function consultationDecisionMail(
  to: string,
  applicationId: number,
  decision: { kind: 'extend'; until: string; note: string } | { kind: 'decline'; note: string },
): NewMail {
  return decision.kind === 'extend'
    ? {
        to,
        subject: '【重要】顔認証付きカードリーダーの機種選定期限を延長しました',
        body: `「機種未定」でお申し込みのカードリーダー（申込番号 ${applicationId}）について、相談窓口でのご相談を踏まえ、機種選定期限を${decision.until}まで延長しました。${decision.note ? `\n\n${decision.note}` : ''}\n\n期限までにポータルサイトで機種を選定してください。期限を過ぎると、お申し込みは取り消されます。`,
      }
    : {
        to,
        subject: '【重要】機種選定期限の延長についてのご相談への回答',
        body: `「機種未定」でお申し込みのカードリーダー（申込番号 ${applicationId}）について、相談窓口で検討しましたが、機種選定期限の延長はいたしかねます。\n\n理由：${decision.note}\n\n期限を過ぎている場合、お申し込みは取り消されます。引き続き導入をご希望の場合は、機種を指定して改めてお申し込みください。`,
      };
}
