import multer from 'multer';
import type { Request, RequestHandler } from 'express';

/** The contract: an attachment is a PDF of at most 10 MB. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** A PDF is recognised by its bytes: the header `%PDF-` within the first kilobyte, as readers accept it. */
export function looksLikePdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 1024).includes('%PDF-', 0, 'latin1');
}

/** What went wrong with a multipart body, for the route to show its form again with a message. */
export type UploadProblem = 'too_large' | 'malformed';

declare module 'express-serve-static-core' {
  interface Locals {
    uploadProblem?: UploadProblem;
  }
}

/** The messages the forms show for an upload problem. */
export const uploadProblemMessages: Record<UploadProblem, string> = {
  too_large: '添付ファイルが大きすぎます。10MB以内にしてください。',
  malformed: '送信された内容を読み取れませんでした。お手数ですが、もう一度入力して送信してください。',
};

/**
 * The one way the portal reads a multipart form: at most one file in `field`, kept in memory (10 MB
 * at most) until the handler has checked it, so nothing touches the disk for a form that is refused;
 * text fields are limited too. Then the CSRF token the form carried is checked.
 *
 * Whatever the parser refuses ends here, never as a 500: a file over the limit is flagged
 * (`res.locals.uploadProblem = 'too_large'`) after the token of the fields that did arrive has been
 * checked, so the form can come back with them; a malformed body (bad boundary, truncated, NUL in a
 * file name, too many parts) is flagged `'malformed'` with its partial fields thrown away. A route must
 * then show its form again with status 400 or 413 and do nothing else: no token was checked.
 */
export function multipartForm(field: string, verifyCsrf: RequestHandler): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 200, fieldSize: 64 * 1024, parts: 210 },
  }).single(field);
  const malformed: RequestHandler = (req, res, next) => {
    req.body = {};
    req.file = undefined;
    res.locals.uploadProblem = 'malformed';
    next();
  };
  return (req, res, next) => {
    // A type the parser cannot read at all (`boundary=` empty, say) is skipped by it, body unparsed.
    const declared = isMultipart(req);
    parse(req, res, (error?: unknown) => {
      if (!error) return declared && req.body === undefined ? malformed(req, res, next) : verifyCsrf(req, res, next);
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        return verifyCsrf(req, res, (csrfError?: unknown) => {
          if (csrfError) return next(csrfError);
          res.locals.uploadProblem = 'too_large';
          next();
        });
      }
      malformed(req, res, next);
    });
  };
}

/** Whether the request says it is multipart, however badly (the CSRF check's exemption uses this too). */
export function isMultipart(req: Request): boolean {
  return /^\s*multipart\//i.test(req.get('content-type') ?? '');
}
