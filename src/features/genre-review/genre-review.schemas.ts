import { z } from 'zod';
import { idField, optionalIdField } from '../../validation.js';
import { genreName } from '../admin/admin.schemas.js';
import { idList, keywordField } from '../search/search.schemas.js';

/** The contract's merge: POST /admin/genres/:id/merge with `into`. */
export const mergeForm = z.object({ into: idField('統合先のジャンルを選んでください。') });

/** A move of a subtree: `parent_id` empty is the top level. */
export const moveForm = z.object({ parent_id: optionalIdField('移動先のジャンルの指定が正しくありません。') });

/** The split's list: the genre's own entries, narrowed by a word and a type. */
export const splitFilter = z.object({
  q: keywordField().catch(''),
  type: optionalIdField('').catch(null),
});

/** A split: the new genre's name and place, the entries that move, and `confirm` once previewed. */
export const splitForm = z.object({
  name: genreName,
  placement: z.enum(['child', 'sibling'], { message: '新しいジャンルの場所を選んでください。' }),
  entry: idList('移す情報の指定が正しくありません。').refine((ids) => ids.length > 0, '移す情報を1件以上選んでください。'),
  confirm: z.literal('1').optional(),
});

/** POST /admin/genres/snapshots: the fiscal year the tree is kept as. */
export const snapshotForm = z.object({
  fiscal_year: z.string({ message: '年度を選んでください。' }).regex(/^2\d{3}$/, '年度を選んでください。').transform(Number),
});
