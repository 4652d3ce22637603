import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { $, csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import { createTestPortal } from '../helpers/portal.js';
import { adminAgent } from '../admin/helpers.js';

const DAY = 86_400_000;

/** The trial's questionnaire as the secretariat writes it: a choice, a 5-point scale and free text. */
const TRIAL = {
  title: '実証実験の利用者アンケート', description: 'ポータルの使い勝手についてお聞きします。', audience: 'municipality',
  opens_on: '2026-11-20', closes_on: '2026-12-10',
  q1_text: '主に何を探しましたか', q1_kind: 'choice', q1_choices: '製品・サービス\n導入事例\n人材', q1_required: '1',
  q2_text: '探している情報は見つかりましたか', q2_kind: 'scale', q2_required: '1',
  q3_text: 'ご意見・ご要望', q3_kind: 'text',
};

async function setup() {
  const portal = createTestPortal(); // the clock stands at 2026-11-26 (Japan)
  const { post, agent: admin } = await adminAgent(portal);
  const created = await post('/admin/surveys/new', '/admin/surveys', TRIAL);
  expect(created.status).toBe(303);
  const id = Number(/\/admin\/surveys\/(\d+)/.exec(created.headers.location as string)![1]);
  const questions = portal.db.prepare('SELECT id FROM survey_questions WHERE survey_id = ? ORDER BY position').pluck().all(id) as number[];
  const towns = await Promise.all([1, 2, 3, 4].map(() => loggedInAgent(portal.app, createUser(portal.db, 'municipality').loginId, PASSWORD)));
  return { ...portal, admin, post, id, questions, towns };
}

const answer = async (agent: Agent, id: number, fields: Record<string, string>) => {
  const page = await agent.get(`/surveys/${id}`);
  return agent.post(`/surveys/${id}`).type('form').send({ _csrf: csrfFrom(page.text, `/surveys/${id}`), ...fields });
};

describe('利用者アンケート › who is asked, and when', () => {
  it('appears on the home page of its target until answered or dismissed, and only between its dates', async () => {
    const t = await setup();
    const vendor = await loggedInAgent(t.app, createUser(t.db, 'vendor').loginId, PASSWORD);
    const asked = async (agent: Agent) => $((await agent.get('/')).text)(`[data-pending-surveys] [data-survey-id="${t.id}"]`).length === 1;
    expect(await asked(t.towns[0]!)).toBe(true);
    expect(await asked(vendor)).toBe(false);
    expect(await asked(t.admin)).toBe(false);
    expect(await asked(request.agent(t.app))).toBe(false);
    // Not for vendors: the survey is not there for them at all.
    expect((await vendor.get(`/surveys/${t.id}`)).status).toBe(404);

    const [q1, q2] = t.questions as [number, number];
    expect((await answer(t.towns[0]!, t.id, { [`a${q1}`]: '1', [`a${q2}`]: '4' })).status).toBe(303);
    expect(await asked(t.towns[0]!)).toBe(false);
    const page = await t.towns[1]!.get(`/surveys/${t.id}`);
    expect((await t.towns[1]!.post(`/surveys/${t.id}/dismiss`).type('form').send({ _csrf: csrfFrom(page.text, `/surveys/${t.id}/dismiss`) })).status).toBe(303);
    expect(await asked(t.towns[1]!)).toBe(false);
    expect(await asked(t.towns[2]!)).toBe(true);

    // After the closing day (Japan time), nobody is asked and an answer is refused.
    t.clock.advance(15 * DAY); // 2026-12-11
    const late = await loggedInAgent(t.app, createUser(t.db, 'municipality').loginId, PASSWORD);
    expect(await asked(late)).toBe(false);
    const closedPage = await late.get(`/surveys/${t.id}`);
    expect($(closedPage.text)('.notice').text()).toContain('受付は終了しました');
    const refused = await late.post(`/surveys/${t.id}`).type('form').send({ _csrf: csrfFrom(closedPage.text), [`a${q1}`]: '0', [`a${q2}`]: '3' });
    expect(refused.status).toBe(409);
    expect(t.db.prepare('SELECT count(*) FROM survey_responses').pluck().get()).toBe(1);
  });

  it('takes one answer per user: a second is refused with 409 and nothing changes', async () => {
    const t = await setup();
    const [q1, q2] = t.questions as [number, number];
    const town = t.towns[0]!;
    expect((await answer(town, t.id, { [`a${q1}`]: '0', [`a${q2}`]: '5' })).status).toBe(303);
    const page = await town.get(`/surveys/${t.id}`);
    expect($(page.text)('.notice').text()).toContain('回答済み');
    const again = await town.post(`/surveys/${t.id}`).type('form').send({ _csrf: csrfFrom(page.text), [`a${q1}`]: '2', [`a${q2}`]: '1' });
    expect(again.status).toBe(409);
    expect(t.db.prepare('SELECT choice, scale FROM survey_answers ORDER BY question_id').all()).toEqual([{ choice: 0, scale: null }, { choice: null, scale: 5 }]);
  });

  it('checks every answer against its question: 400 with the message at the question, nothing saved', async () => {
    const t = await setup();
    const [q1, q2, q3] = t.questions as [number, number, number];
    const res = await answer(t.towns[0]!, t.id, { [`a${q1}`]: '7', [`a${q3}`]: 'あ'.repeat(2001) });
    expect(res.status).toBe(400);
    const doc = $(res.text);
    expect(doc(`#a${q1}-error`).text()).toBe('設問1は選択肢から選んでください。');
    expect(doc(`#a${q2}-error`).text()).toBe('設問2を選んでください。');
    expect(doc(`#a${q3}-error`).text()).toBe('設問3は2000文字以内で入力してください。');
    expect(t.db.prepare('SELECT count(*) FROM survey_responses').pluck().get()).toBe(0);
  });
});

describe('利用者アンケート › the summary and its CSV', () => {
  it('counts each choice and scale point, averages the scale, lists the free text, and the charts hold the same numbers', async () => {
    const t = await setup();
    const [q1, q2, q3] = t.questions as [number, number, number];
    const answers = [['0', '5', 'とても便利です'], ['0', '4', ''], ['2', '2', '=HYPERLINK("x")'], ['1', '4', '']] as const;
    for (const [i, [c, s, text]] of answers.entries()) {
      expect((await answer(t.towns[i]!, t.id, { [`a${q1}`]: c, [`a${q2}`]: s, [`a${q3}`]: text })).status).toBe(303);
    }
    const doc = $((await t.admin.get(`/admin/surveys/${t.id}`)).text);
    expect(doc('[data-response-count]').attr('data-response-count')).toBe('4');
    const counts = (q: number) => doc(`[data-question-id="${q}"] table tbody tr`).toArray().map((tr) => [doc(tr).find('th').text(), Number(doc(tr).find('td').attr('data-value'))]);
    expect(counts(q1)).toEqual([['製品・サービス', 2], ['導入事例', 1], ['人材', 1]]);
    expect(counts(q2)).toEqual([['1', 0], ['2', 1], ['3', 0], ['4', 2], ['5', 1]]);
    expect(doc(`[data-question-id="${q2}"] [data-mean]`).attr('data-mean')).toBe('3.75');
    expect(doc(`[data-question-id="${q3}"] li`).map((_, li) => doc(li).text()).get()).toEqual(['とても便利です', '=HYPERLINK("x")']);
    doc('[data-chart]').each((_, chart) => {
      expect(doc(chart).find('svg rect[data-value]').map((_i, r) => Number(doc(r).attr('data-value'))).get())
        .toEqual(doc(chart).find('table td').map((_i, td) => Number(doc(td).attr('data-value'))).get());
    });

    const csv = await t.admin.get(`/admin/surveys/${t.id}/results.csv`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('回答番号,回答日時,会員の種別,設問1：主に何を探しましたか,設問2：探している情報は見つかりましたか,設問3：ご意見・ご要望');
    expect(lines[1]).toBe('1,2026年11月26日 13:11,特別会員,製品・サービス,5,とても便利です');
    expect(lines[3]).toBe(`3,2026年11月26日 13:11,特別会員,人材,2,"'=HYPERLINK(""x"")"`);
  });

  it('the form says what is wrong at each field (400, the typed values kept), and questions lock once answered', async () => {
    const t = await setup();
    const bad = await t.post('/admin/surveys/new', '/admin/surveys', { ...TRIAL, title: '', closes_on: '2026-11-01', q1_choices: '一つだけ', q2_kind: 'other' });
    expect(bad.status).toBe(400);
    const doc = $(bad.text);
    expect(doc('#title-error').text()).toBe('題名を入力してください。');
    expect(doc('#closes_on-error').text()).toBe('終了日は開始日以降の日付にしてください。');
    expect(doc('#q1_choices-error').text()).toBe('設問1の選択肢は、1行に1つずつ2〜10個入力してください。');
    expect(doc('#q2_kind-error').text()).toBe('設問2の種類を選んでください。');
    expect(doc('#q3_text').val()).toBe('ご意見・ご要望');
    expect(t.db.prepare('SELECT count(*) FROM surveys').pluck().get()).toBe(1);

    const [q1, q2] = t.questions as [number, number];
    await answer(t.towns[0]!, t.id, { [`a${q1}`]: '0', [`a${q2}`]: '3' });
    const edit = $((await t.admin.get(`/admin/surveys/${t.id}/edit`)).text);
    expect(edit('#q1_text').length).toBe(0);
    const saved = await t.post(`/admin/surveys/${t.id}/edit`, `/admin/surveys/${t.id}`, { ...TRIAL, closes_on: '2026-12-20', q1_text: '変えた設問' });
    expect(saved.status).toBe(303);
    expect(t.db.prepare('SELECT closes_on FROM surveys WHERE id = ?').pluck().get(t.id)).toBe('2026-12-20');
    expect(t.db.prepare('SELECT text FROM survey_questions WHERE survey_id = ? ORDER BY position').pluck().all(t.id)).toEqual(['主に何を探しましたか', '探している情報は見つかりましたか', 'ご意見・ご要望']);
  });
});
