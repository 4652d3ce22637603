import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, NotFoundError } from '../http-error.js';
import type { Logger } from '../logger.js';

/** After all routes: whatever matched nothing is a 404 page. */
export const notFound: RequestHandler = () => {
  throw new NotFoundError();
};

/** Japanese messages for the 4xx errors that Express's own parsers and libraries raise. */
const clientErrorMessages: Record<number, string> = {
  400: '送信された内容を読み取れませんでした。入力内容をご確認のうえ、もう一度お試しください。',
  403: 'この操作を行う権限がありません。',
  404: 'お探しのページは見つかりませんでした。',
  405: 'この方法ではご利用いただけません。',
  413: '送信された内容が大きすぎます。',
  415: 'この形式の送信には対応していません。',
  429: 'アクセスが集中しています。しばらくしてから再度お試しください。',
};

const csrfMessage =
  '画面の有効期限が切れたか、不正な送信の可能性があるため処理を中止しました。お手数ですが、前の画面を開き直してからもう一度操作してください。';

type ErrorLike = { status?: unknown; statusCode?: unknown; code?: unknown; expose?: unknown; message?: unknown; stack?: unknown };

function statusOf(err: ErrorLike): number {
  const status = Number(err.status ?? err.statusCode);
  return Number.isInteger(status) && status >= 400 && status < 600 ? status : 500;
}

/**
 * The single error handler. Client errors get their Japanese page with their status; anything else
 * is logged and shown as a 500 page, with the stack only in development.
 */
export function errorHandler(deps: { logger: Logger; showStack: boolean }): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const err = (error ?? {}) as ErrorLike;
    const status = statusOf(err);
    let message: string;
    if (err.code === 'EBADCSRFTOKEN') message = csrfMessage;
    else if (error instanceof HttpError || (err as { uploadError?: boolean }).uploadError) message = String(err.message);
    else message = clientErrorMessages[status] ?? 'リクエストを処理できませんでした。';

    if (status >= 500) deps.logger.error({ err: error, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;

    const view = status === 403 || status === 404 ? `errors/${status}` : status >= 500 ? 'errors/500' : 'errors/4xx';
    const stack = deps.showStack && status >= 500 && typeof err.stack === 'string' ? err.stack : null;
    res.status(status).render(view, { status, message, stack }, (renderError: Error | null, html?: string) => {
      if (renderError) {
        deps.logger.error({ err: renderError }, 'error page failed to render');
        res.status(status).type('text/plain; charset=utf-8').send(`エラーが発生しました（${status}）。`);
        return;
      }
      res.send(html);
    });
  };
}
