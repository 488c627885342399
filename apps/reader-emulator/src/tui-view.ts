/** What the terminal UI prints for a reader (its control API's view). */
export interface View {
  id: string;
  step: string;
  model: { maker: string; model: string };
  allowedActions: string[];
  consentScreens: string[];
  card: { certificateSerial: string; pinTriesLeft: number; locked: boolean } | null;
  notice: { code: string; message: string } | null;
  failure: { code: string; message: string } | null;
  result: { qualificationValidity: string; results: Array<Record<string, unknown>> } | null;
}

export function render(view: View): string {
  const lines = [
    `[${view.id}] ${view.model.maker} ${view.model.model} — ${view.step}`,
    view.card
      ? `  card ${view.card.certificateSerial}, PIN tries left ${view.card.pinTriesLeft}${view.card.locked ? ' (locked)' : ''}`
      : '  no card',
  ];
  if (view.notice) lines.push(`  ! ${view.notice.code}: ${view.notice.message}`);
  if (view.failure) lines.push(`  ✗ ${view.failure.code}: ${view.failure.message}`);
  if (view.step === 'consents') lines.push(`  consent screens: ${view.consentScreens.join(', ')}`);
  if (view.result) {
    lines.push(`  ✓ QualificationValidity ${view.result.qualificationValidity}`);
    for (const q of view.result.results) {
      lines.push(
        `    ${String(q.insurerName)} ${String(q.insurerNumber)} copay ${String(q.copayRatio)}`,
      );
    }
  }
  lines.push(`  next: ${view.allowedActions.join(', ')}`);
  return lines.join('\n');
}
