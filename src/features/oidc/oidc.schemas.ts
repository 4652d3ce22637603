import { z } from 'zod';

/** A subject at the issuer as the secretariat types it: '' (no link) or up to 255 visible ASCII characters. */
export const OIDC_SUBJECT = z.string({ message: 'ＡＰＰＬＩＣ会員IDの識別子を入力してください。' }).trim()
  .max(255, 'ＡＰＰＬＩＣ会員IDの識別子は255文字以内で入力してください。')
  .regex(/^[\x21-\x7e]*$/, 'ＡＰＰＬＩＣ会員IDの識別子は半角の英数字・記号で入力してください（空白は使えません）。');

/** The account page's form: one subject for the account. */
export const linkForm = z.object({ subject: OIDC_SUBJECT });
