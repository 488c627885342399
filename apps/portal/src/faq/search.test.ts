import { describe, expect, it } from 'vitest';
import { askShikaku } from './assistant.js';
import { FAQ } from './corpus.js';
import { FAQ_EVALUATION } from './evaluation-set.js';
import { answerable, bigrams, buildFaqIndex } from './search.js';

const index = buildFaqIndex(FAQ);
const top = (q: string) => index.search(q)[0]?.entry.id;

describe('FAQ search', () => {
  it('splits Japanese into character bigrams after NFKC (width variants match)', () => {
    expect(bigrams('ｶｰﾄﾞ')).toEqual(bigrams('カード'));
    expect(bigrams('機種未定')).toEqual(['機種', '種未', '未定']);
    // Hiragana separates words: no bigram spans it.
    expect(bigrams('機種を変更')).toEqual(['機種', '変更']);
  });

  it.each([
    ['機種未定の期限はいつまで？', 'FAQ-08'],
    ['カードリーダーは何台もらえる', 'FAQ-05'],
    ['パスワードを忘れてしまった', 'FAQ-04'],
    ['クライアントシークレットをなくした', 'FAQ-12'],
    ['診療所の補助金の上限はいくら', 'FAQ-14'],
    ['見積りが来ないので機種が決められない', 'FAQ-10'],
    ['領収書はどうやって添付しますか', 'FAQ-15'],
  ])('answers %s with %s', (question, id) => {
    expect(top(question)).toBe(id);
  });

  it('answers nothing for a question the FAQ does not cover', () => {
    expect(index.search('今日の天気は晴れですか')).toEqual([]);
  });
});

describe('「シカク」 answers', () => {
  const ask = (q: string, today = '2021-07-15') => askShikaku(index, q, today);

  it.each(['機種未定の期限', 'きしゅみていのきげん', 'キシュミテイの期限', 'ｷｼｭﾐﾃｲの期限'])(
    'finds the same entry for the kanji, hiragana, katakana and half-width forms (%s)',
    (q) => {
      expect(ask(q)).toMatchObject({ kind: 'answer', entry: { id: 'FAQ-08' } });
    },
  );

  it('says what will happen before a date and what happened after it', () => {
    const start = (today: string) => {
      const reply = ask('本格運用はいつからですか', today);
      return reply.kind === 'answer' ? reply.text : '';
    };
    expect(start('2021-03-01')).toContain('開始する予定');
    expect(start('2021-10-19')).toContain('本格運用は2021年10月20日から始まる予定');
    expect(start('2021-10-20')).toContain('10月20日から本格運用が始まりました');
    const deadline = (today: string) => {
      const reply = ask('機種未定の期限はいつまで', today);
      return reply.kind === 'answer' ? reply.text : '';
    };
    expect(deadline('2021-08-01')).toContain('2021年8月1日（日本時間、当日を含む）まで延長');
    expect(deadline('2021-08-02')).toContain('すでに過ぎました');
  });

  it('says it cannot answer a question outside the FAQ instead of giving the nearest entry', () => {
    expect(ask('電子証明書の発行申請はどうすればいいですか')).toEqual({ kind: 'no-answer' });
    expect(ask('カードリーダーが赤く点滅して動きません')).toEqual({ kind: 'no-answer' });
  });

  it('offers as related only entries that answer the question too', () => {
    for (const { q } of FAQ_EVALUATION) {
      const reply = ask(q);
      if (reply.kind !== 'answer') continue;
      const confident = index
        .search(q)
        .filter((h) => answerable(h))
        .map((h) => h.entry.id);
      for (const related of reply.related) {
        expect(related.id).not.toBe(reply.entry.id);
        expect(confident).toContain(related.id);
      }
    }
    const reply = ask('パスワードを忘れてしまった');
    expect(reply.kind === 'answer' ? reply.related.map((e) => e.id) : []).toEqual([]);
  });
});
