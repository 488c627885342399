import { describe, expect, it } from 'vitest';
import { render } from './tui-view.js';

describe('terminal UI view', () => {
  const base = {
    id: 'clinic',
    step: 'authenticating',
    model: { maker: '富士通Japan', model: 'Caora' },
    allowedActions: ['face', 'pin', 'visual', 'card-removed'],
    consentScreens: ['pharmacists'],
    screen: { title: '本人確認の方法を選んでください', lines: ['暗証番号が違います。'] },
    card: { certificateSerial: 'S1', pinTriesLeft: 2, locked: false },
    notice: { code: 'PIN_MISMATCH', message: '暗証番号が違います。' },
    failure: null,
    result: null,
  };

  it("shows the reader's screen in Japanese, the card, the notice and what can be done next", () => {
    expect(render(base).split('\n')).toEqual([
      '[clinic] 富士通Japan Caora — authenticating',
      '  ┃ 本人確認の方法を選んでください',
      '  ┃   暗証番号が違います。',
      '  カード S1、暗証番号の残り回数 2',
      '  ! PIN_MISMATCH: 暗証番号が違います。',
      '  次の操作: face, pin, visual, card-removed',
    ]);
  });

  it('shows the result with each qualification', () => {
    const text = render({
      ...base,
      step: 'result',
      notice: null,
      screen: { title: '受付が完了しました', lines: ['カードをお取りください'] },
      allowedActions: ['card-removed'],
      result: {
        qualificationValidity: '1',
        results: [{ insurerName: '協会けんぽ', insurerNumber: '01130012', copayRatio: '030' }],
      },
    });
    expect(text).toContain('✓ QualificationValidity 1');
    expect(text).toContain('協会けんぽ 01130012 負担割合 030');
  });
});
