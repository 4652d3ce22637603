import { createRequire } from 'node:module';
import path from 'node:path';
import { foldForSearch } from '../../search-fold.js';
import { bigrams } from '../../text.js';

/** Why a PDF's text could not be read (attachment_texts.failure, migration 0023). */
export type PdfTextFailure = 'unreadable' | 'encrypted' | 'timeout' | 'too_large' | 'no_text';

/** What an extraction gives: the text as shown and as searched (folded, and its character pairs). */
export type PdfText = { text: string; folded: string; pairs: string; pages: number; truncated: boolean };

/** An extraction that stopped: the PDF is kept, its text is not searched. */
export class PdfTextError extends Error {
  constructor(readonly failure: PdfTextFailure, message: string) {
    super(message);
  }
}

const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const KANA_OR_KANJI = String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆、。・「」（）]`;
/** A line break between two Japanese characters: a wrapped line, not a space between words. */
const WRAP = new RegExp(`(?<=${KANA_OR_KANJI})[^\\S\\n]*\\n\\s*(?=${KANA_OR_KANJI})`, 'gu');
const VARIATION_SELECTOR = /\p{Variation_Selector}/gu;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * The text as a results row quotes it: NFKC (as the folding starts), variation selectors dropped,
 * lines that a layout wrapped in the middle of Japanese text joined again (so 「防災」 at a line's
 * end and 「無線」 at the next one's start are found as 防災無線), other white space one space.
 * foldForSearch then maps it one character to one, so positions in both agree.
 */
export function displayText(raw: string): string {
  return raw.normalize('NFKC').replace(VARIATION_SELECTOR, '').replace(CONTROL, ' ').replace(WRAP, '').replace(/\s+/g, ' ').trim();
}

/**
 * The text of a PDF, page by page, up to `maxChars` characters (the rest is left unread). Runs
 * pdf.js's parser on the calling thread: the extractor (pdf-text.extractor.ts) calls this only
 * inside a worker thread, where a slow or hostile file can be stopped.
 */
export async function extractPdfText(data: Uint8Array, maxChars: number): Promise<PdfText> {
  // The legacy build is the one made for Node (the modern one expects a browser's DOMMatrix).
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let document;
  try {
    document = await pdfjs.getDocument({
      data,
      // Nothing of the file is run or drawn: no eval of its functions, no fonts loaded for display.
      isEvalSupported: false, disableFontFace: true, useSystemFonts: false, enableXfa: false,
      // Japanese PDFs without embedded fonts name Adobe's CMaps (UniJIS-UCS2-H …): shipped with pdf.js.
      cMapUrl: `${path.join(pdfjsDir, 'cmaps')}/`, cMapPacked: true,
      standardFontDataUrl: `${path.join(pdfjsDir, 'standard_fonts')}/`,
      verbosity: pdfjs.VerbosityLevel.ERRORS,
    }).promise;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'PasswordException') throw new PdfTextError('encrypted', 'the PDF asks for a password');
    throw new PdfTextError('unreadable', `pdf.js could not open the file: ${(error as Error).message}`);
  }
  try {
    let raw = '';
    let truncated = false;
    for (let number = 1; number <= document.numPages; number++) {
      if (raw.length >= maxChars) {
        truncated = true;
        break;
      }
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      for (const item of content.items) if ('str' in item) raw += item.str + (item.hasEOL ? '\n' : '');
      raw += '\n';
      page.cleanup();
    }
    let text = displayText(raw);
    if (text.length > maxChars) {
      text = text.slice(0, maxChars);
      truncated = true;
    }
    if (text === '') throw new PdfTextError('no_text', 'the PDF holds no text (pictures of pages only?)');
    const folded = foldForSearch(text);
    return { text, folded, pairs: bigrams(folded), pages: document.numPages, truncated };
  } catch (error) {
    if (error instanceof PdfTextError) throw error;
    throw new PdfTextError('unreadable', `pdf.js could not read the text: ${(error as Error).message}`);
  } finally {
    await document.destroy();
  }
}
