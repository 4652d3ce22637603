import type { Express, RequestHandler } from 'express';
import { genreTreeHtml } from '../features/genres/genre-tree.html.js';
import { formatCount, formatDate, formatDateTime, markTerms, summaryHead } from '../text.js';

export type Breadcrumb = { label: string; href?: string };

declare module 'express-serve-static-core' {
  interface Locals {
    csrfToken: () => string;
    currentPath: string;
  }
}

/**
 * Helpers and defaults every template may rely on, set on app.locals so that even an error page
 * rendered before the session middleware ran (a malformed body, say) finds them.
 */
export function setTemplateDefaults(app: Express): void {
  Object.assign(app.locals, {
    formatDateTime,
    formatCount,
    markTerms,
    genreTreeHtml,
    formatDate,
    summaryHead,
    currentUser: undefined,
    currentPath: '',
    breadcrumbs: undefined,
    csrfToken: () => '',
  });
}

export const requestLocals: RequestHandler = (req, res, next) => {
  res.locals.currentPath = req.path;
  next();
};
