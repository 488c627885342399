import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('「シカク」 pages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('2021-10-19T10:00:00+09:00');
  });
  afterAll(() => h?.close());

  const faq = async (q: string) =>
    (await h.app.inject({ url: `/api/v1/faq?q=${encodeURIComponent(q)}` })).json();

  it('answers as of the portal clock: "will start" before 10/20, "started" from it', async () => {
    h.clock.set('2021-10-19T10:00:00+09:00');
    const before = await faq('本格運用はいつから');
    expect(before).toMatchObject({ asOf: '2021-10-19', answered: true });
    expect(before.answers[0]).toMatchObject({ id: 'FAQ-19' });
    expect(before.answers[0].answer).toContain('始まる予定');
    h.clock.set('2021-10-20T10:00:00+09:00');
    const after = await faq('本格運用はいつから');
    expect(after.answers[0].answer).toContain('本格運用が始まりました');
    const page = await h.app.inject({ url: `/faq?q=${encodeURIComponent('本格運用はいつから')}` });
    expect(page.body).toContain('本格運用が始まりました');
    expect(page.body).toContain('2021年10月20日時点');
    // The header's date as Japanese pages write it, the ISO date kept for scripts.
    expect(page.body).toMatch(/data-today="2021-10-20"\s*>本日：2021年10月20日（水）/);
  });

  it('says it cannot answer and points at the contact centre, listing no entry', async () => {
    const json = await faq('電子証明書の発行申請はどうすればいいですか');
    expect(json).toMatchObject({ answered: false, answers: [] });
    const page = await h.app.inject({
      url: `/faq?q=${encodeURIComponent('電子証明書の発行申請はどうすればいいですか')}`,
    });
    expect(page.body).toContain('シカクはお答えできません');
    expect(page.body).toContain('0800-080-4583');
    expect(page.body).not.toContain('関連する質問');
  });

  it('finds 機種未定 from its hiragana form', async () => {
    expect((await faq('きしゅみていのきげん')).answers[0]).toMatchObject({ id: 'FAQ-08' });
  });
});
