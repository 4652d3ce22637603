/**
 * The one folding that the keyword search applies to what is written and to what is asked
 * (http-contract.md, "Keyword search quality"): the FTS5 and pair indexes store folded text, every
 * query term is folded the same way, and the <mark> of a results row is placed through it, so that
 * what is highlighted is exactly what matched.
 *
 * 1. NFKC: full- and half-width forms, ｶﾀｶﾅ → カタカナ, ① → 1, compatibility ideographs (社 U+FA4C → 社).
 * 2. Lower case.
 * 3. Katakana → hiragana, small kana included (ァ → ぁ, ッ → っ). The long-vowel mark ー has no
 *    hiragana of its own and is kept (NFKC already turned the half-width ｰ into it), so ヒナンナビー
 *    and ひなんなびー fold alike. ヵ・ヶ (and ゕ・ゖ), written in place names and counters (霞ヶ関,
 *    三ヵ月), fold to か・け, so 霞ヶ関 and 霞ケ関 are one word.
 * 4. Variant kanji → the form in everyday use, by the table below.
 * 5. Variation selectors (the ideographic variation sequences of 葛󠄀 and the like) are dropped.
 *
 * Every step maps one character to at most one, so a folded text is never longer than its source.
 */

/**
 * Variant kanji and the form they fold to, one group a line: the everyday form first, then its
 * variants. Sources: the pairs of 旧字体 and 常用漢字 in 人名用漢字 別表第二 二 of 戸籍法施行規則
 * (the old forms still allowed in names: 廣 → 広, 澤 → 沢, 濱 → 浜, 德 → 徳 …), and the variants common in
 * family and place names that come from vendors' character sets rather than from any official list
 * (IBM 拡張文字 and JIS X 0213: 髙 はしごだか, 﨑 たつさき, 邉, 𠮷 つちよし). 斉 and 齊 fold to 斎 with
 * 齋: 斎藤・斉藤・齋藤・齊藤 are one family of spellings that people mix up, and a search should find them
 * all. Compatibility ideographs are not listed: NFKC folds them first.
 */
const VARIANT_GROUPS = `
亜亞 悪惡 為爲 栄榮 衛衞 円圓 縁緣 応應 桜櫻 奥奧 横橫 温溫 価價 壊壞 懐懷 楽樂 渇渴 巻卷 陥陷 寛寬 気氣
偽僞 戯戲 虚虛 峡峽 狭狹 暁曉 駆駈驅 勲勳 薫薰 恵惠 掲揭 鶏鷄 芸藝 撃擊 県縣 倹儉 剣劍 険險 圏圈 検檢
顕顯 験驗 厳嚴 広廣 恒恆 黄黃 国國 黒黑 砕碎 雑雜 児兒 湿濕 実實 寿壽 収收 従從 渋澁 獣獸 縦縱 緒緖
叙敍 将將 渉涉 焼燒 奨奬 条條 状狀 乗乘 浄淨 剰剩 畳疊 嬢孃 譲讓 醸釀 真眞 寝寢 慎愼 尽盡 粋粹 酔醉
穂穗 瀬瀨 斎齋齊斉 静靜 摂攝 専專 戦戰 繊纖 禅禪 壮壯 争爭 荘莊 捜搜 巣巢 曽曾 装裝 痩瘦 騒騷 増增
蔵藏 臓臟 即卽 帯帶 滞滯 滝瀧 単單 団團 弾彈 昼晝 鋳鑄 庁廳 徴徵 聴聽 鎮鎭 転轉 伝傳 灯燈 盗盜 稲稻
徳德 拝拜 杯盃 売賣 髪髮 抜拔 晩晚 秘祕 富冨 払拂 仏佛 歩步 峰峯 翻飜 毎每 万萬 黙默 野埜 弥彌 薬藥
与與 揺搖 様樣 謡謠 来來 頼賴 覧覽 竜龍 涼凉 緑綠 涙淚 塁壘 礼禮 暦曆 歴歷 錬鍊 郎郞 録錄 辺邊邉
沢澤 浜濱濵 高髙 崎﨑嵜碕 島嶋嶌 吉𠮷 槙槇 昇曻 桑桒
`;

const VARIANTS = new Map<string, string>();
for (const group of VARIANT_GROUPS.trim().split(/\s+/)) {
  const [everyday, ...variants] = [...group];
  for (const variant of variants) VARIANTS.set(variant, everyday!);
}

const KATAKANA_FIRST = 0x30a1; // ァ
const KATAKANA_LAST = 0x30f6; // ヶ
const HIRAGANA_OFFSET = 0x60; // ア U+30A2 − あ U+3042
const SMALL_KA_KE: Record<string, string> = { ゕ: 'か', ゖ: 'け' };
const VARIATION_SELECTOR = /\p{Variation_Selector}/gu;
/** Anything steps 3–5 may change: text without it needs only NFKC and lower case. */
const FOLDABLE = /[\u30a1-\u30f6\u30fd\u30fe\u3095\u3096\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]|\p{Variation_Selector}/u;

function foldCharacter(c: string): string {
  const code = c.codePointAt(0)!;
  if (code >= KATAKANA_FIRST && code <= KATAKANA_LAST) {
    const hiragana = String.fromCharCode(code - HIRAGANA_OFFSET);
    return SMALL_KA_KE[hiragana] ?? hiragana;
  }
  if (code === 0x30fd || code === 0x30fe) return String.fromCharCode(code - HIRAGANA_OFFSET); // ヽヾ → ゝゞ
  return SMALL_KA_KE[c] ?? VARIANTS.get(c) ?? c;
}

/** The text as the keyword search compares it (see above). */
export function foldForSearch(text: string): string {
  const normalised = text.normalize('NFKC').toLowerCase();
  if (!FOLDABLE.test(normalised)) return normalised;
  let folded = '';
  for (const c of normalised.replace(VARIATION_SELECTOR, '')) folded += foldCharacter(c);
  return folded;
}
