import { Router } from 'express';
import { showsDetailLink } from '../entries/entries.access.js';
import type { EntriesRepository } from '../entries/entries.repository.js';
import type { Recommender } from '../peers/recommendations.js';
import type { SessionUser } from '../accounts/accounts.types.js';

const NEWEST_ON_HOME = 8;

type Deps = {
  entries: EntriesRepository; recommend: Recommender;
  /** The 利用者アンケート open for the user that they have neither answered nor dismissed (issue 22.4). */
  pendingSurveys: (user: SessionUser | undefined) => { id: number; title: string; closesOn: string }[];
};

export function homeRoutes({ entries, recommend, pendingSurveys }: Deps): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const user = res.locals.currentUser;
    const newest = entries.listNewest(NEWEST_ON_HOME).map((entry) => ({ ...entry, linked: showsDetailLink(user, entry) }));
    // Only a municipality with an issue profile gets recommendations; everyone else gets an empty list.
    const recommended = recommend(user).map((entry) => ({ ...entry, linked: true }));
    res.render('home/index', { title: 'ホーム', newest, recommended, surveys: pendingSurveys(user) });
  });

  return router;
}
