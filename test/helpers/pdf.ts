import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { tempDir } from './portal.js';

/**
 * A real PDF with Japanese text, printed by Chromium from HTML in the IPA Gothic font (Debian's
 * fonts-ipafont-gothic, installed by .ci/run): what a vendor's "save as PDF" gives, fonts embedded
 * as subsets with their ToUnicode maps.
 */
export async function japanesePdf(browser: Browser, paragraphs: string[]): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    const body = paragraphs.map((p) => `<p>${p.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</p>`).join('');
    await page.setContent(`<!doctype html><html lang="ja"><body style="font-family: 'IPAGothic', sans-serif; font-size: 14px">${body}</body></html>`);
    return await page.pdf({ format: 'A4' });
  } finally {
    await page.close();
  }
}

/** The PDF encrypted with a password to open it (AES-256, by Debian's qpdf, installed by .ci/run). */
export function encryptedPdf(pdf: Buffer): Buffer {
  const dir = tempDir('pdf-');
  const [plain, locked] = [path.join(dir, 'plain.pdf'), path.join(dir, 'locked.pdf')];
  fs.writeFileSync(plain, pdf);
  execFileSync('qpdf', ['--encrypt', 'open-sesame', 'owner-secret', '256', '--', plain, locked]);
  return fs.readFileSync(locked);
}

/** Something that starts like a PDF and is not one: the %PDF- check passes, the parser fails. */
export function corruptPdf(): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R'), crypto.randomBytes(2048)]);
}
