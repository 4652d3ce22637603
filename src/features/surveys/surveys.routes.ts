import { Router, type Request, type Response } from 'express';
import { stringifyCsv } from '../../csv.js';
import { idParam, NotFoundError } from '../../http-error.js';
import { requireKind, requireLogin } from '../../middleware/auth.js';
import { formatDate, formatDateTime } from '../../text.js';
import { CONFLICT_MESSAGE, versionOf, type FieldErrors } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { barChart } from '../insights/bar-chart.js';
import type { Survey, SurveysRepository } from './surveys.repository.js';
import { parseAnswers, parseSurveyForm, QUESTION_SLOTS } from './surveys.schemas.js';
import { surveyState, type SurveysService } from './surveys.service.js';

type Deps = { service: SurveysService; repository: SurveysRepository };

export const AUDIENCE_LABELS = { municipality: '特別会員（地方公共団体）', vendor: '一般会員（民間企業・研究機関等）', both: '特別会員と一般会員' } as const;
const KIND_LABELS = { choice: '選択肢から1つ', scale: '5段階', text: '自由記述' } as const;

/** The form's values: what is saved, or (after an error) what was typed. */
function formValuesOf(survey: Survey | undefined, questions: ReturnType<SurveysRepository['questions']>, body?: Record<string, unknown>): Record<string, string> {
  if (body) return Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const values: Record<string, string> = {
    title: survey?.title ?? '', description: survey?.description ?? '', audience: survey?.audience ?? 'both',
    opens_on: survey?.opensOn ?? '', closes_on: survey?.closesOn ?? '', version: String(survey?.version ?? ''),
  };
  questions.forEach((q, i) => {
    values[`q${i + 1}_kind`] = q.kind;
    values[`q${i + 1}_text`] = q.text;
    values[`q${i + 1}_choices`] = q.choices.join('\n');
    values[`q${i + 1}_required`] = q.required ? '1' : '';
  });
  return values;
}

/** 利用者アンケート (issue 22.4): the secretariat's definitions and summaries, and members' answers. */
export function surveysRoutes({ service, repository }: Deps): Router {
  const router = Router();
  router.use('/admin/surveys', requireKind('secretariat'));
  const crumbs = (last?: string) => [
    { label: '事務局管理', href: '/admin' },
    ...(last ? [{ label: '利用者アンケート', href: '/admin/surveys' }, { label: last }] : [{ label: '利用者アンケート' }]),
  ];
  const surveyOf = (req: Request) => {
    const survey = repository.find(idParam(req));
    if (!survey) throw new NotFoundError('このアンケートは見つかりませんでした。');
    return survey;
  };
  const renderForm = (res: Response, status: number, survey: Survey | undefined, values: Record<string, string>, errors: FieldErrors) =>
    res.status(status).render('surveys/form', {
      title: survey ? `アンケートの編集：${survey.title}` : 'アンケートの作成', breadcrumbs: crumbs(survey ? '編集' : '作成'),
      survey, values, errors, slots: QUESTION_SLOTS, audiences: AUDIENCE_LABELS, kinds: KIND_LABELS,
      questionsLocked: (survey?.responses ?? 0) > 0, questions: survey ? repository.questions(survey.id) : [],
    });

  router.get('/admin/surveys', (_req, res) => {
    res.render('surveys/list', { title: '利用者アンケート', breadcrumbs: crumbs(), surveys: repository.list(), audiences: AUDIENCE_LABELS, today: service.today() });
  });
  router.get('/admin/surveys/new', (_req, res) => renderForm(res, 200, undefined, formValuesOf(undefined, []), {}));

  router.post('/admin/surveys', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { form, errors } = parseSurveyForm(body, false);
    if (!form) return renderForm(res, 400, undefined, formValuesOf(undefined, [], body), errors);
    const id = service.create(form, actorOf(req, res));
    res.redirect(303, `/admin/surveys/${id}?done=created`);
  });

  router.get('/admin/surveys/:id', (req, res) => {
    const survey = surveyOf(req);
    const summary = service.summary(survey);
    res.render('surveys/summary', {
      title: `アンケートの結果：${survey.title}`, breadcrumbs: crumbs('結果'), survey, summary, audiences: AUDIENCE_LABELS, kinds: KIND_LABELS,
      created: req.query.done === 'created', saved: req.query.done === 'saved',
      charts: new Map(summary.questions.map((q, i) => [q.id, q.kind === 'text' ? undefined : barChart({
        id: `chart-q${q.id}`, title: `設問${i + 1}「${q.text}」の回答数`, labelHeader: q.kind === 'scale' ? '評価（1〜5）' : '選択肢',
        series: ['回答数'], rows: q.counts.map((c) => ({ label: c.label, values: [c.count] })),
      })])),
    });
  });

  router.get('/admin/surveys/:id/edit', (req, res) => {
    const survey = surveyOf(req);
    renderForm(res, 200, survey, formValuesOf(survey, repository.questions(survey.id)), {});
  });

  router.post('/admin/surveys/:id', (req, res) => {
    const survey = surveyOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const locked = survey.responses > 0;
    const { form, errors } = parseSurveyForm(body, locked);
    if (!form) return renderForm(res, 400, survey, formValuesOf(survey, [], body), errors);
    if (locked) form.questions = repository.questions(survey.id);
    if (service.update(survey, versionOf(body), form, actorOf(req, res)) === 'conflict') {
      const now = repository.find(survey.id)!;
      return renderForm(res, 409, now, { ...formValuesOf(now, [], body), version: String(now.version) }, { _form: CONFLICT_MESSAGE });
    }
    res.redirect(303, `/admin/surveys/${survey.id}?done=saved`);
  });

  // One row per response, one column per question: Excel-ready, formula-safe, no names.
  router.get('/admin/surveys/:id/results.csv', (req, res) => {
    const survey = surveyOf(req);
    const questions = repository.questions(survey.id);
    const rows = repository.responseRows(survey.id).map((r, i) => [
      i + 1, formatDateTime(r.submittedAt), r.kind === 'municipality' ? '特別会員' : '一般会員',
      ...questions.map((q) => {
        const [choice, scale, text] = r.answers[String(q.id)] ?? [null, null, null];
        return q.kind === 'choice' ? (choice === null ? '' : (q.choices[choice] ?? '')) : q.kind === 'scale' ? (scale ?? '') : (text ?? '');
      }),
    ]);
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.attachment(`survey-${survey.id}.csv`);
    res.send(stringifyCsv([['回答番号', '回答日時', '会員の種別', ...questions.map((q, i) => `設問${i + 1}：${q.text}`)], ...rows], { bom: true }));
  });

  // ---- members ---------------------------------------------------------------------------------
  const renderAnswer = (res: Response, status: number, survey: Survey, values: Record<string, string>, errors: FieldErrors) => {
    const user = res.locals.currentUser!;
    res.status(status).render('surveys/answer', {
      title: survey.title, breadcrumbs: [{ label: '利用者アンケート' }], survey, questions: repository.questions(survey.id),
      state: surveyState(survey, user, service.today()), answeredAt: repository.answeredAt(survey.id, user.id), values, errors,
      closesOn: formatDate(`${survey.closesOn}T12:00:00+09:00`),
    });
  };
  /** A survey the user may see: one meant for their kind of organisation (others are simply not found). */
  const memberSurvey = (req: Request, res: Response) => {
    const survey = surveyOf(req);
    if (surveyState(survey, res.locals.currentUser, service.today()) === 'not-for-you') throw new NotFoundError('このアンケートは見つかりませんでした。');
    return survey;
  };

  router.get('/surveys/:id', requireLogin, (req, res) => renderAnswer(res, 200, memberSurvey(req, res), {}, {}));

  router.post('/surveys/:id', requireLogin, (req, res) => {
    const survey = memberSurvey(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const { answers, errors } = parseAnswers(body, repository.questions(survey.id));
    if (!answers) return renderAnswer(res, 400, survey, typed, errors);
    const refused = service.answer(survey, res.locals.currentUser!, answers);
    if (refused) return renderAnswer(res, refused.status, survey, typed, refused.error);
    res.redirect(303, `/surveys/${survey.id}?answered=1`);
  });

  router.post('/surveys/:id/dismiss', requireLogin, (req, res) => {
    service.dismiss(memberSurvey(req, res), res.locals.currentUser!);
    res.redirect(303, '/#surveys');
  });

  return router;
}
