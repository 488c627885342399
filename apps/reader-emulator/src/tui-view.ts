/** What the terminal UI prints for a reader (its control API's view), in Japanese. */
export interface View {
  id: string;
  step: string;
  model: { maker: string; model: string };
  allowedActions: string[];
  consentScreens: string[];
  pinEntry?: 'device' | 'terminal';
  screen: { title: string; lines: string[] };
  card: { certificateSerial: string; pinTriesLeft: number; locked: boolean } | null;
  notice: { code: string; message: string } | null;
  failure: { code: string; message: string } | null;
  result: { qualificationValidity: string; results: Array<Record<string, unknown>> } | null;
}

export function render(view: View): string {
  const lines = [
    `[${view.id}] ${view.model.maker} ${view.model.model} — ${view.step}`,
    `  ┃ ${view.screen.title}`,
    ...view.screen.lines.map((line) => `  ┃   ${line}`),
    view.card
      ? `  カード ${view.card.certificateSerial}、暗証番号の残り回数 ${view.card.pinTriesLeft}${view.card.locked ? '（ロック中）' : ''}`
      : '  カードなし',
  ];
  if (view.notice) lines.push(`  ! ${view.notice.code}: ${view.notice.message}`);
  if (view.failure) lines.push(`  ✗ ${view.failure.code}: ${view.failure.message}`);
  if (view.step === 'consents') lines.push(`  同意画面: ${view.consentScreens.join(', ')}`);
  if (view.result) {
    lines.push(`  ✓ QualificationValidity ${view.result.qualificationValidity}`);
    for (const q of view.result.results) {
      lines.push(
        `    ${String(q.insurerName)} ${String(q.insurerNumber)} 負担割合 ${String(q.copayRatio)}`,
      );
    }
  }
  lines.push(`  次の操作: ${view.allowedActions.join(', ')}`);
  return lines.join('\n');
}
