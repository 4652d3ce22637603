import { describe, expect, it } from 'vitest';
import { formulaSafe, fromFormulaSafe } from '../../src/csv.js';
import { adminAgent, exportCsv, previewCsv } from '../admin/helpers.js';
import { createEntry, createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { $, loggedInAgent } from '../helpers/http.js';
import { createTestPortal, PUBLIC_URL } from '../helpers/portal.js';

/** Titles a vendor could register, each of which Excel would run as a formula if written raw. */
const HOSTILE = [
  '=HYPERLINK("http://x","y")',
  "+cmd|' /C calc'!A0",
  '-2+3+cmd|\' /C calc\'!A0',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\t=1+1',
  '\r=1+1',
  "'=already quoted",
];

/** The cell as it must appear in the file: the text with one leading ', then CSV-quoted where needed. */
const expectedCell = (text: string) => {
  const cell = `'${text}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
};

function portalWithHostileTitles() {
  const portal = createTestPortal();
  const genre = createGenre(portal.db, '防災');
  const vendor = createUser(portal.db, 'vendor');
  const ids = HOSTILE.map((title) => createEntry(portal.db, vendor, { title, summary: '=1+1 で始まる概要', genreIds: [genre] }));
  return { ...portal, genre, ids };
}

async function bytesOf(agent: Awaited<ReturnType<typeof loggedInAgent>>, path: string): Promise<string> {
  const res = await agent.get(path).buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  expect(res.status).toBe(200);
  return (res.body as Buffer).toString('utf8');
}

describe('CSV cells that a spreadsheet would run (issue 15.4, contract: Trust rules)', () => {
  it('formulaSafe › one leading apostrophe for = + - @ tab CR (and for text already starting with an apostrophe before one)', () => {
    expect(HOSTILE.map(formulaSafe)).toEqual(HOSTILE.map((t) => `'${t}`));
    expect(['防災', "'quoted", ' =1', '１=1', ''].map(formulaSafe)).toEqual(['防災', "'quoted", ' =1', '１=1', '']);
    for (const text of [...HOSTILE, "'quoted", "''=x", '防災']) expect(fromFormulaSafe(formulaSafe(text))).toBe(text);
  });

  it('/admin/export.csv › every hostile title is written as \'text, byte for byte', async () => {
    const portal = portalWithHostileTitles();
    const { agent } = await adminAgent(portal);
    const text = await exportCsv(agent);
    const lines = text.slice(1).split('\r\n');
    portal.ids.forEach((id, i) => {
      const line = lines.find((l) => l.startsWith(`${id},製品・サービス情報,`))!;
      expect(line.slice(`${id},製品・サービス情報,`.length).startsWith(`${expectedCell(HOSTILE[i]!)},'=1+1 で始まる概要,`)).toBe(true);
    });
    expect(text).not.toMatch(/(^|,|\r\n)[=+\-@]/);
  });

  it('/search/results.csv › the same, and the detail links come from PUBLIC_URL, never from the Host header', async () => {
    const portal = portalWithHostileTitles();
    const agent = await loggedInAgent(portal.app, createUser(portal.db, 'municipality').loginId, PASSWORD);
    const res = await agent.get(`/search/results.csv?genre=${portal.genre}`).set('Host', 'evil.example');
    expect(res.text).not.toContain('evil.example');
    const text = await bytesOf(agent, `/search/results.csv?genre=${portal.genre}`);
    for (const title of HOSTILE) expect(text).toContain(`製品・サービス情報,${expectedCell(title)},'=1+1 で始まる概要,`);
    for (const id of portal.ids) expect(text).toContain(`,${PUBLIC_URL}/entries/${id}\r\n`);
  });

  it('export → import › the apostrophes come off again: the file re-imports as unchanged', async () => {
    // Titles as the entry form and the import store them: trimmed, so never beginning with a tab or CR.
    const storable = HOSTILE.filter((t) => t === t.trim());
    expect(storable).toHaveLength(HOSTILE.length - 2);
    const portal = createTestPortal();
    const genre = createGenre(portal.db, '防災');
    const vendor = createUser(portal.db, 'vendor');
    for (const title of storable) createEntry(portal.db, vendor, { title, summary: '=1+1 で始まる概要', genreIds: [genre] });
    const { agent } = await adminAgent(portal);
    const preview = await previewCsv(agent, await exportCsv(agent));
    expect(preview.status).toBe(200);
    const lead = $(preview.text)('[data-preview-create-count]');
    expect([lead.attr('data-preview-create-count'), lead.attr('data-preview-update-count')]).toEqual(['0', '0']);
    expect(lead.text()).toContain(`変更なし ${storable.length}件`);
  });
});
