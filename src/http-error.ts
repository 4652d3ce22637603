import { rowId } from './validation.js';

/**
 * Errors a handler throws to end a request with a Japanese error page. Express 5 forwards thrown
 * errors and rejected promises to the single error handler in middleware/errors.ts.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'このページを表示する権限がありません。') {
    super(403, message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'お探しのページは見つかりませんでした。') {
    super(404, message);
  }
}

/**
 * The `:id` of a route as a row id: a positive integer of at most ten digits, anything else a 404
 * (a hand-edited URL is a page that does not exist, not a server error).
 */
export function idParam(req: { params: Record<string, unknown> }, notFoundMessage?: string): number {
  const id = rowId(req.params.id);
  if (id === null) throw new NotFoundError(notFoundMessage);
  return id;
}
