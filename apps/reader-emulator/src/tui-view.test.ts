import { describe, expect, it } from 'vitest';
import { render } from './tui-view.js';

describe('terminal UI view', () => {
  const base = {
    id: 'clinic',
    step: 'authenticating',
    model: { maker: '富士通Japan', model: 'Caora' },
    allowedActions: ['face', 'pin', 'visual', 'card-removed'],
    consentScreens: ['pharmacists'],
    card: { certificateSerial: 'S1', pinTriesLeft: 2, locked: false },
    notice: { code: 'PIN_MISMATCH', message: 'wrong PIN; 2 tries left before the card locks' },
    failure: null,
    result: null,
  };

  it('shows the step, the card, the notice and what can be done next', () => {
    expect(render(base).split('\n')).toEqual([
      '[clinic] 富士通Japan Caora — authenticating',
      '  card S1, PIN tries left 2',
      '  ! PIN_MISMATCH: wrong PIN; 2 tries left before the card locks',
      '  next: face, pin, visual, card-removed',
    ]);
  });

  it('shows the result with each qualification', () => {
    const text = render({
      ...base,
      step: 'result',
      notice: null,
      allowedActions: ['card-removed'],
      result: {
        qualificationValidity: '1',
        results: [{ insurerName: '協会けんぽ', insurerNumber: '01130012', copayRatio: '030' }],
      },
    });
    expect(text).toContain('✓ QualificationValidity 1');
    expect(text).toContain('協会けんぽ 01130012 copay 030');
  });
});
