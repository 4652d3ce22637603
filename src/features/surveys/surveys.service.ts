import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { tokyoDay } from '../../text.js';
import type { FieldErrors } from '../../validation.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository } from '../audit/audit.repository.js';
import type { AnswerInput, Question, Survey, SurveysRepository } from './surveys.repository.js';
import { SCALE_POINTS, type SurveyForm } from './surveys.schemas.js';

type Deps = { db: Db; repository: SurveysRepository; audit: AuditRepository; clock: Clock };

export type QuestionSummary = Question & {
  answered: number;
  /** choice: one row per choice; scale: one per point 1–5; text: none. */
  counts: { label: string; count: number }[];
  mean: number | null;
  texts: string[];
};

/** Whether the survey asks this kind of user, and is open today (Japan dates, both ends included). */
export function surveyState(survey: Survey, user: SessionUser | undefined, today: string): 'open' | 'not-yet' | 'closed' | 'not-for-you' {
  if (!user || user.organisationKind === 'secretariat' || (survey.audience !== 'both' && survey.audience !== user.organisationKind)) return 'not-for-you';
  if (today < survey.opensOn) return 'not-yet';
  if (today > survey.closesOn) return 'closed';
  return 'open';
}

/** 利用者アンケート (issue 22.4): definitions by the secretariat, one response per user, the summary. */
export function surveysService({ db, repository, audit, clock }: Deps) {
  const today = () => tokyoDay(clock.now());
  return {
    today,

    create(form: SurveyForm, actor: Actor): number {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const { questions, ...survey } = form;
        const id = repository.insert(survey, at, actor.userId);
        repository.replaceQuestions(id, questions);
        audit.record(actor, at, 'survey.create', { type: 'survey', id }, { title: [null, form.title], questions: [null, questions.length] });
        return id;
      })();
    },

    /** Saves the survey; its questions only while nobody has answered (the answers refer to them). */
    update(survey: Survey, version: number | null, form: SurveyForm, actor: Actor): 'saved' | 'conflict' {
      const at = clock.now().toISOString();
      return db.transaction(() => {
        const { questions, ...fields } = form;
        if (!repository.update(survey.id, version ?? 0, fields, at)) return 'conflict';
        const fresh = repository.find(survey.id)!;
        if (fresh.responses === 0) repository.replaceQuestions(survey.id, questions);
        audit.record(actor, at, 'survey.update', { type: 'survey', id: survey.id }, {
          title: [survey.title, form.title], opens_on: [survey.opensOn, form.opensOn], closes_on: [survey.closesOn, form.closesOn],
        });
        return 'saved' as const;
      })();
    },

    /** The open surveys the user has neither answered nor dismissed (the home page asks them). */
    pendingFor(user: SessionUser | undefined) {
      if (!user || user.organisationKind === 'secretariat') return [];
      return repository.pendingFor(today(), user.organisationKind, user.id);
    },

    /** Records the answers; an error with its status when the user may not or did already. */
    answer(survey: Survey, user: SessionUser, answers: readonly AnswerInput[]): { status: number; error: FieldErrors } | undefined {
      const state = surveyState(survey, user, today());
      if (state === 'not-for-you') return { status: 403, error: { _form: 'このアンケートの対象ではありません。' } };
      if (state !== 'open') return { status: 409, error: { _form: state === 'closed' ? 'このアンケートの受付は終了しました。' : 'このアンケートの受付はまだ始まっていません。' } };
      const at = clock.now().toISOString();
      const saved = db.transaction(() => repository.insertResponse(survey.id, user.id, user.organisationKind, at, answers))();
      return saved === undefined ? { status: 409, error: { _form: 'このアンケートには回答済みです。ご協力ありがとうございました。' } } : undefined;
    },

    dismiss(survey: Survey, user: SessionUser): void {
      repository.dismiss(survey.id, user.id, clock.now().toISOString());
    },

    /** Every question with its counts (and mean for a scale) or its free-text answers. */
    summary(survey: Survey): { byKind: Map<string, number>; questions: QuestionSummary[] } {
      const values = repository.valueCounts(survey.id);
      const texts = repository.texts(survey.id);
      return {
        byKind: repository.responsesByKind(survey.id),
        questions: repository.questions(survey.id).map((q) => {
          const got = values.get(q.id) ?? new Map<number, number>();
          const counts = q.kind === 'choice' ? q.choices.map((label, i) => ({ label, count: got.get(i) ?? 0 }))
            : q.kind === 'scale' ? SCALE_POINTS.map((p) => ({ label: String(p), count: got.get(p) ?? 0 })) : [];
          const answered = q.kind === 'text' ? (texts.get(q.id) ?? []).length : counts.reduce((n, c) => n + c.count, 0);
          const mean = q.kind === 'scale' && answered > 0 ? SCALE_POINTS.reduce((sum, p) => sum + p * (got.get(p) ?? 0), 0) / answered : null;
          return { ...q, answered, counts, mean, texts: texts.get(q.id) ?? [] };
        }),
      };
    },
  };
}

export type SurveysService = ReturnType<typeof surveysService>;
