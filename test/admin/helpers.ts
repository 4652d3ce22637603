import type { Express } from 'express';
import { createGenre, createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal, type TestPortal } from '../helpers/portal.js';

/**
 * A secretariat agent and a way to post any admin form as a browser does: the hidden fields of the
 * form on its page (the token, an edit form's version), then the given fields.
 */
export async function adminAgent(portal: TestPortal | { app: Express; db: TestPortal['db'] }) {
  const admin = createUser(portal.db, 'secretariat');
  const agent = await loggedInAgent(portal.app, admin.loginId, PASSWORD);
  const post = async (page: string, action: string, fields: Record<string, string | string[]>) => {
    const html = (await agent.get(page)).text;
    // The page's POST form to that action (a preview page has a GET form to the same address above it).
    const hidden = Object.fromEntries($(html)(`form[action="${action}"][method="post"]`).first().find('input[type="hidden"]')
      .map((_, el) => [[$(html)(el).attr('name')!, String($(html)(el).val() ?? '')]]).get() as [string, string][]);
    return agent.post(action).type('form').send({ ...hidden, _csrf: csrfFrom(html, action), ...fields });
  };
  return { admin, agent: agent, post };
}

/** Uploads the file: the answer is the preview (or the errors). */
export async function previewCsv(agent: Agent, csv: string, createOrgs = false) {
  const token = $((await agent.get('/admin/import')).text)('form[action="/admin/import"] input[name="_csrf"]').val() as string;
  let req = agent.post('/admin/import').field('_csrf', token);
  if (createOrgs) req = req.field('create_orgs', '1');
  return req.attach('file', Buffer.from(csv, 'utf8'), { filename: 'entries.csv', contentType: 'text/csv' });
}

/** Commits a preview through its own form. */
export async function commitPreview(agent: Agent, preview: { text: string }) {
  const form = $(preview.text)('form[action="/admin/import/commit"]');
  return agent.post('/admin/import/commit').type('form')
    .send({ _csrf: form.find('input[name="_csrf"]').val() as string, key: form.find('input[name="key"]').val() as string });
}

export async function exportCsv(agent: Agent): Promise<string> {
  const res = await agent.get('/admin/export.csv').buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  return (res.body as Buffer).toString('utf8');
}


/** A portal with the genres 防災 › 避難所運営 and 教育 and the vendor 株式会社みらい: what the CSV tests import into. */
export function portalWithTaxonomy(): TestPortal {
  const portal = createTestPortal();
  const bousai = createGenre(portal.db, '防災');
  createGenre(portal.db, '避難所運営', bousai);
  createGenre(portal.db, '教育');
  portal.db.prepare(`INSERT INTO organisations (name, kind, created_at, updated_at) VALUES ('株式会社みらい', 'vendor', 'x', 'x')`).run();
  return portal;
}
