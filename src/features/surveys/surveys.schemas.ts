import { z } from 'zod';
import { charCount, dayField, formValue, multiLineField, singleLineField, type FieldErrors } from '../../validation.js';
import type { AnswerInput, Question, QuestionInput, SurveyAudience } from './surveys.repository.js';

/** Question slots on the survey form: enough for a trial's questionnaire, usable without JavaScript. */
export const QUESTION_SLOTS = 10;
export const MAX_CHOICES = 10;
export const SCALE_POINTS = [1, 2, 3, 4, 5] as const;

const surveyFields = z.object({
  title: singleLineField('題名が正しくありません。').pipe(z.string().min(1, '題名を入力してください。').refine((v) => charCount(v) <= 100, '題名は100文字以内で入力してください。')),
  description: multiLineField('説明', false, 2000),
  audience: z.enum(['municipality', 'vendor', 'both'], { message: '対象を選んでください。' }),
  opens_on: dayField('開始日'),
  closes_on: dayField('終了日'),
});

export type SurveyForm = { title: string; description: string; audience: SurveyAudience; opensOn: string; closesOn: string; questions: QuestionInput[] };

/**
 * The survey form: its fields and the question slots q1…q10 (kind, text, choices one per line,
 * required). A slot without text is no question. Every problem comes back at its own field.
 */
export function parseSurveyForm(body: Record<string, unknown>, questionsLocked: boolean): { form?: SurveyForm; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const parsed = surveyFields.safeParse(body);
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  // The order of the dates, whenever both are dates, even if another field is wrong.
  const [opens, closes] = [formValue(body, 'opens_on').trim(), formValue(body, 'closes_on').trim()];
  if (!errors.opens_on && !errors.closes_on && opens > closes) errors.closes_on = '終了日は開始日以降の日付にしてください。';
  const questions: QuestionInput[] = [];
  if (!questionsLocked) {
    for (let n = 1; n <= QUESTION_SLOTS; n++) {
      const text = formValue(body, `q${n}_text`).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
      if (text === '') continue;
      const kind = body[`q${n}_kind`];
      if (kind !== 'choice' && kind !== 'scale' && kind !== 'text') { errors[`q${n}_kind`] = `設問${n}の種類を選んでください。`; continue; }
      if (charCount(text) > 200) errors[`q${n}_text`] = `設問${n}は200文字以内で入力してください。`;
      const choices = kind === 'choice'
        ? formValue(body, `q${n}_choices`).split(/\r?\n/).map((c) => c.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()).filter((c) => c !== '') : [];
      if (kind === 'choice' && (choices.length < 2 || choices.length > MAX_CHOICES)) errors[`q${n}_choices`] = `設問${n}の選択肢は、1行に1つずつ2〜${MAX_CHOICES}個入力してください。`;
      else if (choices.some((c) => charCount(c) > 50)) errors[`q${n}_choices`] = `設問${n}の選択肢は、それぞれ50文字以内で入力してください。`;
      questions.push({ kind, text, choices, required: body[`q${n}_required`] === '1' });
    }
    if (questions.length === 0 && !errors.q1_text) errors.q1_text = '設問を1つ以上入力してください。';
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  const d = parsed.data;
  return { form: { title: d.title, description: d.description, audience: d.audience, opensOn: d.opens_on, closesOn: d.closes_on, questions }, errors };
}

/** A user's answers: field `a<question id>`, each checked against its question. */
export function parseAnswers(body: Record<string, unknown>, questions: readonly Question[]): { answers?: AnswerInput[]; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const answers: AnswerInput[] = [];
  questions.forEach((q, i) => {
    const field = `a${q.id}`;
    const raw = body[field];
    const value = typeof raw === 'string' ? raw.trim() : '';
    const label = `設問${i + 1}`;
    if (raw !== undefined && typeof raw !== 'string') { errors[field] = `${label}の回答を読み取れませんでした。`; return; }
    if (value === '') {
      if (q.required) errors[field] = q.kind === 'text' ? `${label}を入力してください。` : `${label}を選んでください。`;
      return;
    }
    if (q.kind === 'choice') {
      const index = /^\d{1,2}$/.test(value) ? Number(value) : -1;
      if (index < 0 || index >= q.choices.length) errors[field] = `${label}は選択肢から選んでください。`;
      else answers.push({ questionId: q.id, choice: index, scale: null, text: null });
    } else if (q.kind === 'scale') {
      const point = /^[1-5]$/.test(value) ? Number(value) : 0;
      if (point === 0) errors[field] = `${label}は1〜5から選んでください。`;
      else answers.push({ questionId: q.id, choice: null, scale: point, text: null });
    } else {
      const text = value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, ' ');
      if (charCount(text) > 2000) errors[field] = `${label}は2000文字以内で入力してください。`;
      else answers.push({ questionId: q.id, choice: null, scale: null, text });
    }
  });
  return Object.keys(errors).length > 0 ? { errors } : { answers, errors };
}
