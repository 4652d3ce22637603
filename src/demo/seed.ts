import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { accountsRepository } from '../features/accounts/accounts.repository.js';
import { organisationKinds, type OrganisationKind } from '../features/accounts/accounts.types.js';
import { hashPassword } from '../features/accounts/passwords.js';
import { entriesRepository } from '../features/entries/entries.repository.js';
import { registrantSnapshot } from '../features/entries/entry-content.js';
import { entryLinksRepository } from '../features/entry-links/entry-links.repository.js';
import { genresRepository } from '../features/genres/genres.repository.js';
import { guidebookRepository } from '../features/guidebook/guidebook.repository.js';
import { infoTypesRepository } from '../features/info-types/info-types.repository.js';
import { likesRepository } from '../features/likes/likes.repository.js';
import { peersRepository } from '../features/peers/peers.repository.js';
import { issueStatuses, populationBands } from '../features/peers/regions.js';
import type { Db } from '../db/connection.js';
import { demoPdf } from './demo-pdf.js';

/** The one password of every demo account; printed at start and listed in the README. */
export const DEMO_PASSWORD = 'Demo-Pass-2026';

type GenreNode = { name: string; children?: GenreNode[] };
const genreNode: z.ZodType<GenreNode> = z.lazy(() =>
  z.object({ name: z.string().min(1).max(50), children: z.array(genreNode).optional() }),
);

const organisationsFile = z.array(
  z.object({
    name: z.string().min(1),
    kind: z.enum(organisationKinds),
    ipRanges: z.array(z.string()).default([]),
    contact: z.object({ department: z.string(), name: z.string(), phone: z.string(), email: z.email() }),
    users: z.array(
      z.object({ loginId: z.string(), name: z.string(), department: z.string(), phone: z.string(), email: z.email() }),
    ),
    issueProfile: z.object({
      prefecture: z.number().int().min(1).max(47),
      populationBand: z.enum(populationBands),
      visible: z.boolean(),
      showLikes: z.boolean(),
      publishContact: z.boolean().describe("the organisation's first user is the contact person"),
      issues: z.array(z.object({ genre: z.string().describe('genre path written with /'), status: z.enum(issueStatuses), note: z.string().max(100) })),
    }).optional(),
  }),
);

const entriesFile = z.array(
  z.object({
    type: z.string(),
    owner: z.string().describe('login ID of the registering user'),
    contactOrg: z.string().optional().describe('organisation named as contact, for cases and people'),
    title: z.string().min(1).max(100),
    summary: z.string().min(1).max(4000),
    url: z.url().optional(),
    genres: z.array(z.string()).min(1).describe('genre paths written with /'),
    daysAgo: z.number().int().min(0),
    related: z.array(z.string()).optional().describe('titles of the entries this one links to (issue 21.1)'),
  }),
);

/** The guidebook's starter mapping: checklist item → genre paths and entry titles (issue 23.4). */
const guidebookLinksFile = z.record(z.string().regex(/^(10|[1-9])$/), z.object({
  genres: z.array(z.string()).describe('genre paths written with /'),
  entries: z.array(z.string()).describe('entry titles'),
}));

/** A seed file that names something the seeds do not hold stops the seeding with what it named. */
function fail(message: string): never {
  throw new Error(message);
}

export type DemoLogin = { loginId: string; organisation: string; kind: OrganisationKind };

function readSeed<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  return schema.parse(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
}

/** True when nobody has put anything into the database yet: the only time demo data may go in. */
export function isDatabaseEmpty(db: Db): boolean {
  const row = db
    .prepare(
      `SELECT (SELECT count(*) FROM organisations) + (SELECT count(*) FROM users)
            + (SELECT count(*) FROM genres) + (SELECT count(*) FROM entries) AS n`,
    )
    .get() as { n: number };
  return row.n === 0;
}

/**
 * Loads the demo data of seeds/ into an empty database, in one transaction, and returns the demo
 * logins. Returns null, touching nothing, when the database already holds data.
 */
export async function seedDemo(db: Db, seedsDir: string, clock: Clock, uploadDir?: string): Promise<DemoLogin[] | null> {
  if (!isDatabaseEmpty(db)) return null;
  const genreTree = readSeed(seedsDir, 'genres.json', z.array(genreNode));
  const organisations = readSeed(seedsDir, 'organisations.json', organisationsFile);
  const entries = readSeed(seedsDir, 'entries.json', entriesFile);
  const guidebookLinks = readSeed(seedsDir, 'guidebook-links.json', guidebookLinksFile);
  // Hashing is the slow part (bcrypt cost 12), so it happens once, before the transaction.
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  const accounts = accountsRepository(db);
  const genres = genresRepository(db);
  const repo = entriesRepository(db);
  const likes = likesRepository(db);
  const peers = peersRepository(db);
  const typeIds = new Map(infoTypesRepository(db).listInfoTypes().map((t) => [t.name, t.id]));
  const nowMs = clock.now().getTime();
  const daysAgo = (days: number, minutes = 0) => new Date(nowMs - days * 86_400_000 - minutes * 60_000).toISOString();
  const now = daysAgo(0);

  return db.transaction((): DemoLogin[] => {
    if (!isDatabaseEmpty(db)) return [];
    const genreIds = new Map<string, number>();
    const addGenres = (nodes: GenreNode[], parentId: number | null, prefix: string) =>
      nodes.forEach((node, i) => {
        const id = genres.insertGenre(parentId, node.name, i + 1, now);
        genreIds.set(prefix + node.name, id);
        addGenres(node.children ?? [], id, `${prefix}${node.name}/`);
      });
    addGenres(genreTree, null, '');

    const logins: DemoLogin[] = [];
    const users = new Map<string, { id: number; organisationId: number; organisation: string; department: string; name: string; phone: string; email: string }>();
    const orgByName = new Map<string, { id: number; kind: OrganisationKind; contact: (typeof organisations)[number]['contact'] }>();
    for (const org of organisations) {
      const organisationId = accounts.createOrganisation(org.name, org.kind, now, org.ipRanges);
      orgByName.set(org.name, { id: organisationId, kind: org.kind, contact: org.contact });
      for (const u of org.users) {
        const id = accounts.createUser({ ...u, organisationId, passwordHash, active: true, now });
        users.set(u.loginId, { ...u, id, organisationId, organisation: org.name });
        logins.push({ loginId: u.loginId, organisation: org.name, kind: org.kind });
      }
    }

    // Issue profiles (/my/issues), so that /peers and the home page's recommendations have something to show.
    for (const org of organisations) {
      const profile = org.issueProfile;
      if (!profile) continue;
      const organisationId = orgByName.get(org.name)!.id;
      const contact = users.get(org.users[0]?.loginId ?? '');
      peers.saveProfile(organisationId, contact?.id ?? null, now, {
        prefecture: profile.prefecture, populationBand: profile.populationBand, visible: profile.visible,
        showLikes: profile.showLikes, contactUserId: contact?.id ?? null, publishContact: profile.publishContact && contact !== undefined,
      }, profile.issues.map((issue) => {
        const genreId = genreIds.get(issue.genre);
        if (!genreId) throw new Error(`seed issue profile of ${org.name}: unknown genre ${issue.genre}`);
        return { genreId, status: issue.status, note: issue.note };
      }));
    }

    let brochures = 0;
    entries.forEach((e, i) => {
      const owner = users.get(e.owner);
      const typeId = typeIds.get(e.type);
      if (!owner || !typeId) throw new Error(`seed entry ${i + 1}: unknown owner or type`);
      const contactOrgName = e.contactOrg ?? owner.organisation;
      const contactOrg = orgByName.get(contactOrgName);
      if (!contactOrg) throw new Error(`seed entry ${i + 1}: unknown contact organisation ${contactOrgName}`);
      const at = daysAgo(e.daysAgo, (i * 37) % 600);
      const entryId = repo.insertEntry({
        typeId,
        title: e.title,
        summary: e.summary,
        url: e.url ?? null,
        contactCompany: contactOrgName,
        contactDepartment: contactOrg.contact.department,
        contactName: contactOrg.contact.name,
        contactPhone: contactOrg.contact.phone,
        contactEmail: contactOrg.contact.email,
        ...registrantSnapshot({ company: owner.organisation, department: owner.department, name: owner.name, phone: owner.phone, email: owner.email }),
        organisationId: owner.organisationId,
        userId: owner.id,
        genreIds: e.genres.map((p) => {
          const id = genreIds.get(p);
          if (!id) throw new Error(`seed entry ${i + 1}: unknown genre ${p}`);
          return id;
        }),
        operatorIp: '127.0.0.1',
        createdAt: at,
        updatedAt: at,
      });
      // Every third product gets a demo brochure, so the download can be tried.
      if (uploadDir && e.type === '製品・サービス情報' && brochures++ % 3 === 0) {
        const pdf = demoPdf(['APPLIC Matching Portal', `Demo brochure for entry No. ${entryId}`, 'This file is part of the demo data.']);
        const storedName = crypto.randomBytes(16).toString('hex');
        fs.mkdirSync(uploadDir, { recursive: true });
        fs.writeFileSync(path.join(uploadDir, storedName), pdf);
        repo.insertAttachment(entryId, {
          storedName, originalName: `${e.title.slice(0, 60)}_カタログ.pdf`, size: pdf.length,
          sha256: crypto.createHash('sha256').update(pdf).digest('hex'), createdAt: at,
        });
      }
    });

    // Related entries: cases point at the products and people they involved.
    const idOfTitle = new Map((db.prepare('SELECT title, id FROM entries').all() as { title: string; id: number }[]).map((r) => [r.title, r.id]));
    const links = entryLinksRepository(db);
    entries.forEach((e, i) => {
      if (!e.related) return;
      const ids = e.related.map((title) => {
        const id = idOfTitle.get(title);
        if (!id) throw new Error(`seed entry ${i + 1}: unknown related entry ${title}`);
        return id;
      });
      links.replaceOutgoing(idOfTitle.get(e.title)!, ids, users.get(e.owner)!.id, daysAgo(e.daysAgo, 0));
    });

    // The starter mapping of the guidebook's items to genres and entries (issue 23.4), by path and title.
    const guidebook = guidebookRepository(db);
    for (const [item, link] of Object.entries(guidebookLinks)) {
      guidebook.replaceItemLinks(Number(item), {
        genreIds: link.genres.map((p) => genreIds.get(p) ?? fail(`seed guidebook item ${item}: unknown genre ${p}`)),
        entryIds: link.entries.map((t) => idOfTitle.get(t) ?? fail(`seed guidebook item ${item}: unknown entry ${t}`)),
      });
    }

    // Likes: each municipality likes a different, fixed spread of entries.
    const municipalUsers = [...users.values()].filter((u) => orgByName.get(u.organisation)?.kind === 'municipality');
    const entryIds = db.prepare('SELECT id FROM entries ORDER BY id').pluck().all() as number[];
    municipalUsers.forEach((u, m) => {
      entryIds.forEach((entryId, k) => {
        if ((k * (m + 3) + m) % 5 === 0) likes.addLike(entryId, u.organisationId, u.id, daysAgo(k % 30, m * 11));
      });
    });
    return logins;
  })();
}
