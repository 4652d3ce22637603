import { Router, type Response } from 'express';
import { requireKind } from '../../middleware/auth.js';
import { formValues, renderInvalid } from '../../validation.js';
import { actorOf } from '../audit/actor.js';
import { doneMessage } from '../admin/done-messages.js';
import type { SynonymsRepository } from './synonyms.repository.js';
import { MAX_GROUPS, MAX_WORDS_PER_GROUP, MAX_WORD_LENGTH, parseThesaurus, synonymsForm, thesaurusText } from './synonyms.schemas.js';
import type { SynonymsService } from './synonyms.service.js';

type Deps = { service: SynonymsService; repository: SynonymsRepository };

/** /admin/synonyms: the secretariat's thesaurus, one textarea, saved whole (http-contract.md). */
export function synonymsRoutes({ service, repository }: Deps): Router {
  const router = Router();

  const page = () => ({
    title: '同じ意味の言葉（検索の同義語）',
    breadcrumbs: [{ label: '事務局管理', href: '/admin' }, { label: '同じ意味の言葉' }],
    groupCount: repository.groups().length, limits: { groups: MAX_GROUPS, words: MAX_WORDS_PER_GROUP, length: MAX_WORD_LENGTH },
  });

  const show = (res: Response) => res.render('admin/synonyms', { ...page(), problems: [], errors: {}, values: { groups: thesaurusText(repository.groups()) } });

  router.get('/admin/synonyms', requireKind('secretariat'), (req, res) => {
    res.locals.done = doneMessage(req.query.done);
    show(res);
  });

  router.post('/admin/synonyms', requireKind('secretariat'), (req, res) => {
    const values = formValues(req.body, 'groups');
    const form = synonymsForm.safeParse(req.body ?? {});
    const parsed = form.success ? parseThesaurus(form.data.groups) : { problems: ['同じ意味の言葉を文字で入力してください。'] };
    if ('problems' in parsed) {
      // The summary says how many; the field lists them all, each with its line (a list has many lines).
      const summary = `同じ意味の言葉に${parsed.problems.length}件の誤りがあります。保存していません。`;
      return renderInvalid(res, 'admin/synonyms', { groups: summary }, values, { ...page(), problems: parsed.problems });
    }
    service.save(parsed.groups, actorOf(req, res));
    res.redirect(303, '/admin/synonyms?done=synonyms-saved');
  });

  return router;
}
