import { z } from 'zod';
import { charCount, checkboxField, singleLineField } from '../../validation.js';
import { idList, keywordField } from '../search/search.schemas.js';

export const NAME_MAX = 50;
/** Enough for every officer's recurring questions; a bound so one account cannot fill the table. */
export const MAX_SAVED_SEARCHES = 50;

const nameField = singleLineField('名前が正しくありません。')
  .pipe(z.string().min(1, '名前を入力してください。').refine((v) => charCount(v) <= NAME_MAX, `名前は${NAME_MAX}文字以内で入力してください。`));
const checkbox = checkboxField();

/** Saving the current conditions: a name, the alert choice and the search's own parameters. */
export const saveSearchForm = z.object({
  name: nameField,
  alert: checkbox,
  genre: idList('ジャンルの指定が正しくありません。'),
  type: idList('情報種別の指定が正しくありません。'),
  q: keywordField(),
});

/** Renaming a saved search or changing its alert. */
export const updateSearchForm = z.object({ name: nameField, alert: checkbox });
