// Server-rendered SVG charts for the campaign dashboard (no script, no CDN). Numbers only come in,
// so the markup is built from numbers and fixed labels; labels are escaped all the same.
import { escapeHtml, type Html, trusted } from '../web/html.js';

export const STAGES = ['not_applied', 'applied', 'preparing', 'operating'] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_LABELS: Record<Stage, string> = {
  not_applied: '未申込',
  applied: '申込済み',
  preparing: '準備中（利用申請済み）',
  operating: '運用中',
};
const COLOURS: Record<Stage, string> = {
  not_applied: '#c9ced6',
  applied: '#f2b134',
  preparing: '#4a90d9',
  operating: '#2e7d32',
};

function legend(x: number, y: number): string {
  return STAGES.map(
    (s, i) =>
      `<rect x="${x + i * 150}" y="${y}" width="12" height="12" fill="${COLOURS[s]}"/><text x="${x + i * 150 + 16}" y="${y + 11}" font-size="12">${escapeHtml(STAGE_LABELS[s])}</text>`,
  ).join('');
}

/** One horizontal 100% bar per row, split by stage. */
export function stackedBars(
  rows: ReadonlyArray<{ label: string; counts: Record<Stage, number> }>,
  title: string,
): Html {
  const width = 640;
  const labelWidth = 120;
  const barWidth = width - labelWidth - 70;
  const rowHeight = 26;
  const height = rows.length * rowHeight + 50;
  const bars = rows
    .map((row, i) => {
      const total = STAGES.reduce((sum, s) => sum + row.counts[s], 0);
      const y = 30 + i * rowHeight;
      let x = labelWidth;
      const parts = STAGES.map((s) => {
        const w = total === 0 ? 0 : (row.counts[s] / total) * barWidth;
        const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="18" fill="${COLOURS[s]}"><title>${escapeHtml(`${row.label} ${STAGE_LABELS[s]} ${row.counts[s]}`)}</title></rect>`;
        x += w;
        return rect;
      }).join('');
      const operating = total === 0 ? 0 : (row.counts.operating / total) * 100;
      return `<text x="0" y="${y + 14}" font-size="13">${escapeHtml(row.label)}</text>${parts}<text x="${labelWidth + barWidth + 6}" y="${y + 14}" font-size="12">${operating.toFixed(1)}%</text>`;
    })
    .join('');
  return trusted(
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px" xmlns="http://www.w3.org/2000/svg">${legend(0, 4)}${bars}<text x="${labelWidth + barWidth + 6}" y="24" font-size="11">運用中</text></svg>`,
  );
}

/** Stacked areas of the stages over time (institutions that had reached each stage by each date). */
export function funnelAreaChart(
  points: ReadonlyArray<{ date: string; counts: Record<Stage, number> }>,
  title: string,
): Html {
  const width = 640;
  const height = 260;
  const left = 50;
  const top = 30;
  const plotW = width - left - 10;
  const plotH = height - top - 40;
  const max = Math.max(1, ...points.map((p) => STAGES.reduce((sum, s) => sum + p.counts[s], 0)));
  const xOf = (i: number) => left + (points.length <= 1 ? 0 : (i / (points.length - 1)) * plotW);
  const yOf = (v: number) => top + plotH - (v / max) * plotH;
  // Draw from the top of the stack down: operating at the bottom.
  const order: Stage[] = ['operating', 'preparing', 'applied', 'not_applied'];
  const areas: string[] = [];
  const base = points.map(() => 0);
  for (const stage of order) {
    const upper = points.map((p, i) => (base[i] ?? 0) + p.counts[stage]);
    const path = [
      ...upper.map((v, i) => `${xOf(i).toFixed(1)},${yOf(v).toFixed(1)}`),
      ...[...base]
        .reverse()
        .map((v, j) => `${xOf(points.length - 1 - j).toFixed(1)},${yOf(v).toFixed(1)}`),
    ].join(' ');
    areas.push(
      `<polygon points="${path}" fill="${COLOURS[stage]}"><title>${escapeHtml(STAGE_LABELS[stage])}</title></polygon>`,
    );
    upper.forEach((v, i) => (base[i] = v));
  }
  const step = Math.max(1, Math.ceil(points.length / 6));
  const xLabels = points
    .map((p, i) =>
      i % step === 0 || i === points.length - 1
        ? `<text x="${xOf(i).toFixed(1)}" y="${height - 18}" font-size="11" text-anchor="${i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'}">${escapeHtml(p.date.slice(0, 7))}</text>`
        : '',
    )
    .join('');
  const yLabels = [0, 0.5, 1]
    .map(
      (f) =>
        `<text x="${left - 6}" y="${(yOf(max * f) + 4).toFixed(1)}" font-size="11" text-anchor="end">${Math.round(max * f)}</text>`,
    )
    .join('');
  return trusted(
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px" xmlns="http://www.w3.org/2000/svg">${legend(0, 4)}${areas.join('')}<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>${xLabels}${yLabels}</svg>`,
  );
}
