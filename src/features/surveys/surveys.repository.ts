import type { Db } from '../../db/connection.js';

export type SurveyAudience = 'municipality' | 'vendor' | 'both';
export type QuestionKind = 'choice' | 'scale' | 'text';
export type Question = { id: number; position: number; kind: QuestionKind; text: string; choices: string[]; required: boolean };
export type Survey = {
  id: number; title: string; description: string; audience: SurveyAudience; opensOn: string; closesOn: string;
  createdAt: string; updatedAt: string; version: number; responses: number;
};
export type QuestionInput = { kind: QuestionKind; text: string; choices: string[]; required: boolean };
export type AnswerInput = { questionId: number; choice: number | null; scale: number | null; text: string | null };

const SURVEY = `s.id, s.title, s.description, s.audience, s.opens_on AS opensOn, s.closes_on AS closesOn, s.created_at AS createdAt,
  s.updated_at AS updatedAt, s.version, (SELECT count(*) FROM survey_responses r WHERE r.survey_id = s.id) AS responses`;

/** 利用者アンケート (issue 22.4): definitions, responses and the figures of their summary. */
export function surveysRepository(db: Db) {
  const statements = {
    list: db.prepare<[], Survey>(`SELECT ${SURVEY} FROM surveys s ORDER BY s.opens_on DESC, s.id DESC`),
    find: db.prepare<[number], Survey>(`SELECT ${SURVEY} FROM surveys s WHERE s.id = ?`),
    questions: db.prepare<[number], Omit<Question, 'choices' | 'required'> & { choices: string; required: number }>(
      `SELECT id, position, kind, text, choices, required FROM survey_questions WHERE survey_id = ? ORDER BY position`),
    insert: db.prepare(`INSERT INTO surveys (title, description, audience, opens_on, closes_on, created_at, updated_at, created_by)
                        VALUES (@title, @description, @audience, @opensOn, @closesOn, @at, @at, @by)`),
    update: db.prepare(`UPDATE surveys SET title = @title, description = @description, audience = @audience, opens_on = @opensOn,
                          closes_on = @closesOn, updated_at = @at, version = version + 1 WHERE id = @id AND version = @version`),
    deleteQuestions: db.prepare(`DELETE FROM survey_questions WHERE survey_id = ?`),
    insertQuestion: db.prepare(`INSERT INTO survey_questions (survey_id, position, kind, text, choices, required) VALUES (?, ?, ?, ?, ?, ?)`),
    // Open today for this kind of organisation, neither answered nor dismissed by the user.
    pending: db.prepare<[{ day: string; kind: string; user: number }], { id: number; title: string; closesOn: string }>(`
      SELECT s.id, s.title, s.closes_on AS closesOn FROM surveys s
       WHERE s.opens_on <= @day AND s.closes_on >= @day AND s.audience IN (@kind, 'both')
         AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.survey_id = s.id AND r.user_id = @user)
         AND NOT EXISTS (SELECT 1 FROM survey_dismissals d WHERE d.survey_id = s.id AND d.user_id = @user)
       ORDER BY s.closes_on, s.id`),
    answered: db.prepare<[number, number], string>(`SELECT submitted_at FROM survey_responses WHERE survey_id = ? AND user_id = ?`).pluck(),
    insertResponse: db.prepare(`INSERT INTO survey_responses (survey_id, user_id, organisation_kind, submitted_at) VALUES (?, ?, ?, ?)
                                ON CONFLICT (survey_id, user_id) DO NOTHING`),
    insertAnswer: db.prepare(`INSERT INTO survey_answers (response_id, question_id, choice, scale, text) VALUES (@responseId, @questionId, @choice, @scale, @text)`),
    dismiss: db.prepare(`INSERT OR IGNORE INTO survey_dismissals (survey_id, user_id, at) VALUES (?, ?, ?)`),
    byKind: db.prepare<[number], { kind: string; count: number }>(
      `SELECT organisation_kind AS kind, count(*) AS count FROM survey_responses WHERE survey_id = ? GROUP BY organisation_kind`),
    choiceCounts: db.prepare<[number], { questionId: number; value: number; count: number }>(`
      SELECT a.question_id AS questionId, coalesce(a.choice, a.scale) AS value, count(*) AS count
        FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
       WHERE q.survey_id = ? AND (a.choice IS NOT NULL OR a.scale IS NOT NULL) GROUP BY a.question_id, value`),
    texts: db.prepare<[number], { questionId: number; text: string }>(`
      SELECT a.question_id AS questionId, a.text FROM survey_answers a JOIN survey_questions q ON q.id = a.question_id
        JOIN survey_responses r ON r.id = a.response_id
       WHERE q.survey_id = ? AND a.text IS NOT NULL AND a.text <> '' ORDER BY r.submitted_at, r.id`),
    responseRows: db.prepare<[number], { id: number; kind: string; submittedAt: string; answers: string }>(`
      SELECT r.id, r.organisation_kind AS kind, r.submitted_at AS submittedAt,
             (SELECT json_group_object(a.question_id, json_array(a.choice, a.scale, a.text)) FROM survey_answers a WHERE a.response_id = r.id) AS answers
        FROM survey_responses r WHERE r.survey_id = ? ORDER BY r.submitted_at, r.id`),
    overlapping: db.prepare<[string, string], Survey>(`SELECT ${SURVEY} FROM surveys s WHERE s.opens_on <= ? AND s.closes_on >= ? ORDER BY s.opens_on, s.id`),
  };

  return {
    list: () => statements.list.all(),
    find: (id: number): Survey | undefined => statements.find.get(id),
    questions(surveyId: number): Question[] {
      return statements.questions.all(surveyId).map((q) => ({ ...q, choices: JSON.parse(q.choices) as string[], required: q.required === 1 }));
    },
    insert(survey: Omit<Survey, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'responses'>, at: string, by: number): number {
      return Number(statements.insert.run({ ...survey, at, by }).lastInsertRowid);
    },
    /** False when the survey moved past `version` since its form was read. */
    update(id: number, version: number, survey: Omit<Survey, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'responses'>, at: string): boolean {
      return statements.update.run({ ...survey, id, version, at }).changes > 0;
    },
    replaceQuestions(surveyId: number, questions: readonly QuestionInput[]): void {
      statements.deleteQuestions.run(surveyId);
      questions.forEach((q, i) => statements.insertQuestion.run(surveyId, i + 1, q.kind, q.text, JSON.stringify(q.choices), q.required ? 1 : 0));
    },
    pendingFor(day: string, kind: string, userId: number) {
      return statements.pending.all({ day, kind, user: userId });
    },
    answeredAt(surveyId: number, userId: number): string | undefined {
      return statements.answered.get(surveyId, userId);
    },
    /** The response with its answers; undefined when the user has answered already (nothing is written then). */
    insertResponse(surveyId: number, userId: number, kind: string, at: string, answers: readonly AnswerInput[]): number | undefined {
      const result = statements.insertResponse.run(surveyId, userId, kind, at);
      if (result.changes === 0) return undefined;
      const responseId = Number(result.lastInsertRowid);
      for (const a of answers) statements.insertAnswer.run({ responseId, ...a });
      return responseId;
    },
    dismiss(surveyId: number, userId: number, at: string): void {
      statements.dismiss.run(surveyId, userId, at);
    },
    responsesByKind(surveyId: number): Map<string, number> {
      return new Map(statements.byKind.all(surveyId).map((r) => [r.kind, r.count]));
    },
    /** Per question, how many picked each choice (index) or scale point. */
    valueCounts(surveyId: number): Map<number, Map<number, number>> {
      const out = new Map<number, Map<number, number>>();
      for (const r of statements.choiceCounts.all(surveyId)) out.set(r.questionId, (out.get(r.questionId) ?? new Map<number, number>()).set(r.value, r.count));
      return out;
    },
    texts(surveyId: number): Map<number, string[]> {
      const out = new Map<number, string[]>();
      for (const r of statements.texts.all(surveyId)) out.set(r.questionId, [...(out.get(r.questionId) ?? []), r.text]);
      return out;
    },
    /** Every response with its answers (question id → [choice, scale, text]), for the CSV. */
    responseRows(surveyId: number) {
      return statements.responseRows.all(surveyId).map((r) => ({ ...r, answers: JSON.parse(r.answers ?? '{}') as Record<string, [number | null, number | null, string | null]> }));
    },
    /** Surveys open on any day of [from, to] (the usage report's period). */
    overlapping(from: string, to: string): Survey[] {
      return statements.overlapping.all(to, from);
    },
  };
}

export type SurveysRepository = ReturnType<typeof surveysRepository>;
