import * as cheerio from 'cheerio';
import type { Agent } from './http.js';

export type EntryFields = Record<string, string | string[]>;

/** A small but real PDF. */
export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n' +
    'trailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

/**
 * Opens a form page and returns its action, CSRF token and every hidden field (an edit form's
 * version), as a browser holds them.
 */
export async function openForm(agent: Agent, path: string): Promise<{ action: string; csrf: string; hidden: Record<string, string>; html: string }> {
  const res = await agent.get(path);
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  const doc = cheerio.load(res.text);
  const form = doc('form[enctype="multipart/form-data"]');
  const action = form.attr('action')!;
  return { action, csrf: String(form.find('input[name="_csrf"]').val()), hidden: hiddenFields(res.text, action), html: res.text };
}

/** Posts the entry form as multipart/form-data, optionally with a file in `attachment`. */
export function postEntryForm(agent: Agent, action: string, fields: EntryFields, file?: { bytes: Buffer; name: string; type?: string }) {
  let req = agent.post(action);
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) req = req.field(name, v);
  }
  if (file) req = req.attach('attachment', file.bytes, { filename: file.name, contentType: file.type ?? 'application/pdf' });
  return req;
}

/** Reads the hidden fields of the form that posts to `action` (the confirmation page's 登録 form). */
export function hiddenFields(html: string, action: string): Record<string, string> {
  const doc = cheerio.load(html);
  const fields: Record<string, string> = {};
  doc(`form[action="${action}"] input[type="hidden"]`).each((_, el) => void (fields[doc(el).attr('name')!] = String(doc(el).val())));
  return fields;
}
