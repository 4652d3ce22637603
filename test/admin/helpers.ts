import type { Express } from 'express';
import { createUser, PASSWORD } from '../helpers/factories.js';
import { csrfFrom, loggedInAgent, type Agent } from '../helpers/http.js';
import type { TestPortal } from '../helpers/portal.js';

/** A secretariat agent and a way to post any admin form with the token of the page it sits on. */
export async function adminAgent(portal: TestPortal | { app: Express; db: TestPortal['db'] }) {
  const admin = createUser(portal.db, 'secretariat');
  const agent = await loggedInAgent(portal.app, admin.loginId, PASSWORD);
  const post = async (page: string, action: string, fields: Record<string, string>) => {
    const token = csrfFrom((await agent.get(page)).text, action);
    return agent.post(action).type('form').send({ _csrf: token, ...fields });
  };
  return { admin, agent: agent as Agent, post };
}
