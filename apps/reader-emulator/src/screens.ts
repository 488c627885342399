// What the reader's display shows, in Japanese as the real readers speak to patients (English is
// for logs only). Derived from the state alone, so the HTTP API, the terminal UI and scenarios
// show the same words. The wording is ours: the makers publish no screen texts (docs).
import { consentScreensShown, type ReaderSettings, type ReaderState } from './reader-machine.js';
import { CONSENT_QUESTIONS } from './texts.js';

export interface Screen {
  title: string;
  lines: string[];
}

export function screenOf(settings: ReaderSettings, state: ReaderState): Screen {
  const { model } = settings;
  switch (state.step) {
    case 'idle':
      return { title: 'マイナンバーカードを置いてください', lines: [] };
    case 'authenticating': {
      const lines = [
        ...(state.notice ? [state.notice.message] : []),
        'カメラに顔を向けてください（顔認証）',
        model.pinPad
          ? '暗証番号（数字4桁）で確認する場合は、この機器で入力してください'
          : '暗証番号（数字4桁）で確認する場合は、受付の資格確認端末で入力します（この機種には暗証番号の入力装置がありません）',
        ...(model.visualCheck ? ['顔認証も暗証番号も難しい場合は、職員にお声がけください'] : []),
      ];
      return { title: '本人確認の方法を選んでください', lines };
    }
    case 'consents':
      return {
        title: '情報提供への同意',
        lines: consentScreensShown(settings).map(
          (screen) => `${CONSENT_QUESTIONS[screen]}（同意する／同意しない）`,
        ),
      };
    case 'confirming':
      return { title: '資格を確認しています', lines: ['しばらくお待ちください'] };
    case 'registration-offer':
      return {
        title: '健康保険証としての利用登録',
        lines: [
          'このマイナンバーカードは、まだ健康保険証として利用登録されていません',
          '利用登録をしますか（する／しない）',
        ],
      };
    case 'registering':
      return { title: '利用登録をしています', lines: ['しばらくお待ちください'] };
    case 'result':
      return { title: '受付が完了しました', lines: ['カードをお取りください'] };
    case 'failed':
      return {
        title: '確認できませんでした',
        lines: [...(state.failure ? [state.failure.message] : []), 'カードをお取りください'],
      };
  }
}
