import { z } from 'zod';
import { foldForSearch } from '../../search-fold.js';
import { charCount } from '../../validation.js';

/** Limits that keep the thesaurus a list a person edits, and every expanded search cheap. */
export const MAX_GROUPS = 500;
export const MAX_WORDS_PER_GROUP = 10;
export const MAX_WORD_LENGTH = 30;

/** A group as the secretariat wrote it: its words in order, each once. */
export type SynonymGroup = string[];

/**
 * The thesaurus form (http-contract.md, "Keyword search quality"): `groups`, one group a line, words
 * separated by `,` or `、` (full-width ， and 、 too). Empty lines are skipped. Every problem is
 * reported with its line number, all at once, so a long list is fixed in one pass.
 */
export const synonymsForm = z.object({
  groups: z.string({ message: '同じ意味の言葉を入力してください。' }).optional().transform((v) => v ?? ''),
});

/** The groups, or every problem found, each naming its line. */
export type ParsedThesaurus = { groups: SynonymGroup[] } | { problems: string[] };

export function parseThesaurus(text: string): ParsedThesaurus {
  const problems: string[] = [];
  const groups: SynonymGroup[] = [];
  // Folded word → the line it was first given on: a word in two groups would make a search ambiguous.
  const lineOf = new Map<string, number>();
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const number = index + 1;
    const problemsBefore = problems.length;
    const words: string[] = [];
    const folded = new Set<string>();
    for (const raw of line.split(/[,、，､]/)) {
      const word = raw.replace(/[\s\u3000]+/g, ' ').trim();
      if (word === '') continue;
      const key = foldForSearch(word);
      if (word.includes(' ')) problems.push(`${number}行目：「${word}」に空白があります。キーワードは空白で区切られるため、空白を含む言葉は使えません。`);
      else if (charCount(word) > MAX_WORD_LENGTH) problems.push(`${number}行目：「${word.slice(0, 10)}…」が長すぎます（1語${MAX_WORD_LENGTH}文字まで）。`);
      else if (folded.has(key)) continue; // the same word twice in a line (or in two spellings): once is enough
      else if (lineOf.has(key)) problems.push(`${number}行目：「${word}」は${lineOf.get(key)}行目にもあります。1つの言葉は1つのグループにだけ入れてください。`);
      else {
        folded.add(key);
        lineOf.set(key, number);
        words.push(word);
      }
    }
    // A line with a refused word says only that: its count of words would follow from the fix.
    if (words.length === 0 || problems.length > problemsBefore) return;
    if (words.length === 1) problems.push(`${number}行目：言葉が「${words[0]}」の1つだけです。同じ意味の言葉を2つ以上、「、」か「,」で区切って入力してください。`);
    else if (words.length > MAX_WORDS_PER_GROUP) problems.push(`${number}行目：言葉が${words.length}個あります（1グループ${MAX_WORDS_PER_GROUP}語まで）。`);
    else if (words.length > 1) groups.push(words);
  });
  if (groups.length > MAX_GROUPS) problems.push(`グループが${groups.length}個あります（${MAX_GROUPS}個まで）。`);
  return problems.length > 0 ? { problems } : { groups };
}

/** The groups as the form shows them: one a line, words joined by 「、」. */
export function thesaurusText(groups: readonly SynonymGroup[]): string {
  return groups.map((words) => words.join('、')).join('\n');
}
