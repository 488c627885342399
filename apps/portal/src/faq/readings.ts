// Kana forms of the FAQ's terms, so a question typed in hiragana or katakana finds the entry its
// kanji form would (きしゅみてい, キシュミテイ → 機種未定; かーどりーだー → カードリーダー). The
// readings are the domain's words only: a general kanji dictionary would also rewrite grammar.

/** Hiragana → katakana (the two blocks are 0x60 apart; ー and other marks are left as they are). */
export function toKatakana(text: string): string {
  return text.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

/** Katakana → hiragana. */
export function toHiragana(text: string): string {
  return text.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/** Reading (hiragana) → how the FAQ writes it. Longer readings win over the shorter inside them. */
const KANJI_READINGS: Readonly<Record<string, string>> = {
  きしゅみてい: '機種未定',
  きしゅへんこう: '機種変更',
  きしゅ: '機種',
  ほじょきん: '補助金',
  ほじょがく: '補助額',
  ほじょりつ: '補助率',
  じぎょうひ: '事業費',
  りようしんせい: '利用申請',
  しんせい: '申請',
  もうしこみ: '申込み',
  せんていきげん: '選定期限',
  きげん: '期限',
  しめきり: '締め切り',
  えんちょう: '延長',
  とりけし: '取り消し',
  にんしょうじょうほう: '認証情報',
  にんしょう: '認証',
  かおにんしょう: '顔認証',
  しかくかくにん: '資格確認',
  ほんかくうんよう: '本格運用',
  ぷれうんよう: 'プレ運用',
  うんよう: '運用',
  びょういん: '病院',
  しんりょうじょ: '診療所',
  やっきょく: '薬局',
  おおがた: '大型',
  りょうしゅうしょ: '領収書',
  さしもどし: '差し戻し',
  そうだんまどぐち: '相談窓口',
  まどぐち: '窓口',
  そうだん: '相談',
  みつもり: '見積り',
  こじんばんごう: '個人番号',
  いりょうきかんこーど: '医療機関コード',
  いりょうきかん: '医療機関',
  とうろく: '登録',
  へんこう: '変更',
  ひよう: '費用',
  むりょう: '無料',
  むしょう: '無償',
  だいすう: '台数',
  なんだい: '何台',
  じょうげん: '上限',
  しっこう: '失効',
  さいはっこう: '再発行',
  はっこう: '発行',
  ふんしつ: '紛失',
  ろうえい: '漏えい',
  ぎむ: '義務',
  ぎむか: '義務化',
  とどけで: '届出',
  しはらいききん: '支払基金',
  // Question words that name what is asked: an amount, a deadline, a start.
  いくら: '金額',
  きんがく: '金額',
  いつまで: '期限',
  いつから: '開始',
};

export interface Readings {
  /** The question with each known kana form replaced by the FAQ's own form. */
  apply(question: string): string;
}

/**
 * Builds the replacements: the kanji readings above in hiragana and katakana, and the hiragana form
 * of every katakana word (3 characters or more) of the FAQ's own text.
 */
export function buildReadings(faqText: string): Readings {
  const table = new Map<string, string>();
  for (const [reading, surface] of Object.entries(KANJI_READINGS)) {
    table.set(reading, surface);
    table.set(toKatakana(reading), surface);
  }
  for (const word of faqText.normalize('NFKC').match(/[\u30a1-\u30fcー]{3,}/g) ?? []) {
    table.set(toHiragana(word), word);
  }
  const keys = [...table.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(
    keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  return {
    apply: (question) => question.normalize('NFKC').replace(pattern, (m) => table.get(m) ?? m),
  };
}
