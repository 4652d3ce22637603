import * as cheerio from 'cheerio';
import type { Express } from 'express';
import request from 'supertest';
import { SESSION_COOKIE } from '../../src/middleware/session.js';

export type Agent = ReturnType<typeof request.agent>;

/** The `_csrf` value of the first form on a page (or of the form posting to `action`). */
export function csrfFrom(html: string, action?: string): string {
  const $ = cheerio.load(html);
  const form = action ? $(`form[action="${action}"]`) : $('form');
  const token = form.find('input[name="_csrf"]').first().val();
  if (typeof token !== 'string' || token === '') throw new Error(`no _csrf field in form ${action ?? ''}`);
  return token;
}

/** The value of the session cookie an agent or response holds, e.g. to compare before and after login. */
export function sessionCookie(setCookie: string[] | string | undefined): string | undefined {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const line = cookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return line?.split(';')[0]?.slice(SESSION_COOKIE.length + 1);
}

/** GETs the login page for its token, then posts the credentials, as a browser would. */
export async function login(agent: Agent, loginId: string, password: string, next?: string) {
  const page = await agent.get(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  const form: Record<string, string> = { _csrf: csrfFrom(page.text, '/login'), login_id: loginId, password };
  if (next) form.next = next;
  return agent.post('/login').type('form').send(form);
}

/** An agent already logged in as the given user. */
export async function loggedInAgent(app: Express, loginId: string, password: string): Promise<Agent> {
  const agent = request.agent(app);
  const res = await login(agent, loginId, password);
  if (res.status !== 302) throw new Error(`login as ${loginId} failed with ${res.status}`);
  return agent;
}

export function $(html: string) {
  return cheerio.load(html);
}

/** The entry ids listed on a page, in display order. */
export function listedIds(html: string): number[] {
  const doc = cheerio.load(html);
  return doc('[data-entry-id]').map((_, el) => Number(doc(el).attr('data-entry-id'))).get();
}

export function hitCount(html: string): number | undefined {
  const value = cheerio.load(html)('[data-hit-count]').attr('data-hit-count');
  return value === undefined ? undefined : Number(value);
}
