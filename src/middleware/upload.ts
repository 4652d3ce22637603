import multer from 'multer';
import type { ErrorRequestHandler, RequestHandler } from 'express';

/** The contract: an attachment is a PDF of at most 10 MB. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** A PDF is recognised by its bytes: the header `%PDF-` within the first kilobyte, as readers accept it. */
export function looksLikePdf(bytes: Buffer): boolean {
  return bytes.subarray(0, 1024).includes('%PDF-', 0, 'latin1');
}

/**
 * Parses a multipart form with at most one file in `field`, kept in memory (10 MB at most) until the
 * handler has checked it, so nothing touches the disk for a form that is refused. Text fields are
 * limited too, so a form cannot grow without bound.
 */
export function singleUpload(field: string): RequestHandler {
  return multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 200, fieldSize: 64 * 1024, parts: 210 },
  }).single(field);
}

/** Turns multer's errors into client errors the error handler renders in Japanese. */
export const uploadErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error instanceof multer.MulterError) {
    const tooLarge = error.code === 'LIMIT_FILE_SIZE';
    const message = tooLarge
      ? '添付ファイルが大きすぎます。PDFは10MB以内にしてください。'
      : '送信された内容を読み取れませんでした。入力内容をご確認のうえ、もう一度お試しください。';
    return next(Object.assign(new Error(message), { status: tooLarge ? 413 : 400, expose: true, uploadError: true }));
  }
  next(error);
};
