import { describe, expect, it } from 'vitest';
import { FAQ } from './corpus.js';
import { bigrams, buildFaqIndex } from './search.js';

const index = buildFaqIndex(FAQ);
const top = (q: string) => index.search(q)[0]?.entry.id;

describe('FAQ search', () => {
  it('splits Japanese into character bigrams after NFKC (width variants match)', () => {
    expect(bigrams('ｶｰﾄﾞ')).toEqual(bigrams('カード'));
    expect(bigrams('機種未定')).toEqual(['機種', '種未', '未定']);
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
