import { z } from 'zod';

/** The like button's form: `intent` is what the button showed; without it the like toggles. */
export const likeFormSchema = z.object({
  intent: z.enum(['like', 'unlike']).optional(),
});
