import { Router } from 'express';
import { showsDetailLink } from '../entries/entries.access.js';
import type { EntriesRepository } from '../entries/entries.repository.js';
import type { Recommender } from '../peers/recommendations.js';

const NEWEST_ON_HOME = 8;

export function homeRoutes({ entries, recommend }: { entries: EntriesRepository; recommend: Recommender }): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const user = res.locals.currentUser;
    const newest = entries.listNewest(NEWEST_ON_HOME).map((entry) => ({ ...entry, linked: showsDetailLink(user, entry) }));
    // Only a municipality with an issue profile gets recommendations; everyone else gets an empty list.
    const recommended = recommend(user).map((entry) => ({ ...entry, linked: true }));
    res.render('home/index', { title: 'ホーム', newest, recommended });
  });

  return router;
}
