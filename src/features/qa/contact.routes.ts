import { Router } from 'express';
import { fieldErrors, formValues, renderInvalid } from '../../validation.js';
import { requireLogin } from '../../middleware/auth.js';
import { actorOf } from '../audit/actor.js';
import { CONTACT_CATEGORY_LABELS, QA_CATEGORIES } from './qa.labels.js';
import { contactForm } from './qa.schemas.js';
import type { QaService } from './qa.service.js';

/**
 * お問い合わせ (/contact): the secretariat's address for everyone, and for logged-in members a form
 * that files a record in the QA ledger and mails the secretariat (issue 21.4). The answer is shown on
 * the asker's マイページ once the secretariat marks it answered.
 */
export function contactRoutes({ service, adminEmail }: { service: QaService; adminEmail: string }): Router {
  const router = Router();
  const page = (sent: boolean) => ({
    title: 'お問い合わせ', breadcrumbs: [{ label: 'お問い合わせ' }], adminEmail, sent,
    categories: QA_CATEGORIES.map((value) => ({ value, label: CONTACT_CATEGORY_LABELS[value] })),
  });

  router.get('/contact', (req, res) => {
    res.render('qa/contact', { ...page(req.query.sent === '1'), errors: {}, values: { category: '', subject: '', body: '' } });
  });

  router.post('/contact', requireLogin, (req, res) => {
    const parsed = contactForm.safeParse(req.body ?? {});
    if (!parsed.success) return renderInvalid(res, 'qa/contact', fieldErrors(parsed.error), formValues(req.body, 'category', 'subject', 'body'), page(false));
    service.fileContact(parsed.data, res.locals.currentUser!, actorOf(req, res));
    res.redirect(303, '/contact?sent=1');
  });

  return router;
}
