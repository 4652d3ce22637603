import { Router } from 'express';
import { showsDetailLink } from '../entries/entries.access.js';
import type { EntriesRepository } from '../entries/entries.repository.js';

const NEWEST_ON_HOME = 8;

export function homeRoutes({ entries }: { entries: EntriesRepository }): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    const user = res.locals.currentUser;
    const newest = entries.listNewest(NEWEST_ON_HOME).map((entry) => ({ ...entry, linked: showsDetailLink(user, entry) }));
    res.render('home/index', { title: 'ホーム', newest });
  });

  return router;
}
