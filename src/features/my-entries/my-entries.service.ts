import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { Logger } from '../../logger.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { SessionUser } from '../accounts/accounts.types.js';
import type { Actor, AuditRepository, Diff } from '../audit/audit.repository.js';
import { entryContent, registrantSnapshot } from '../entries/entry-content.js';
import { searchText, type EntriesRepository } from '../entries/entries.repository.js';
import type { LinkTo } from '../../mail/links.js';
import type { EntryLinksRepository } from '../entry-links/entry-links.repository.js';
import { registrationMails } from './my-entries.mail.js';
import type { Draft, DraftUpload, MyEntriesRepository, OwnEntry, Registrant } from './my-entries.repository.js';
import type { EntryValues } from './my-entries.schemas.js';

/** Drafts (and their files) not saved within this time are removed by cleanupDrafts. */
export const DRAFT_LIFETIME_MS = 24 * 60 * 60_000;

type Deps = {
  db: Db;
  repository: MyEntriesRepository;
  entries: EntriesRepository;
  links: EntryLinksRepository;
  audit: AuditRepository;
  outbox: OutboxRepository;
  clock: Clock;
  logger: Logger;
  uploadDir: string;
  adminEmail: string;
  /** Absolute links for the mails. */
  link: LinkTo;
  onMailQueued?: () => void;
};

export function registrantOf(user: SessionUser): Registrant {
  return { company: user.organisationName, department: user.department, name: user.name, phone: user.phone, email: user.email };
}

/** field → [before, after] for the fields that differ (the order of related entries is not a change). */
function diff(before: Partial<EntryValues>, after: Partial<EntryValues>): Diff {
  const changes: Diff = {};
  const comparable = (key: keyof EntryValues, value: unknown) => {
    if (key !== 'related' || !Array.isArray(value)) return JSON.stringify(value ?? null);
    return value.length === 0 ? 'null' : JSON.stringify([...(value as number[])].sort((x, y) => x - y));
  };
  for (const key of Object.keys(after) as (keyof EntryValues)[]) {
    const a = comparable(key, before[key]);
    const b = comparable(key, after[key]);
    if (a !== b) changes[key] = [before[key] ?? null, after[key] ?? null];
  }
  return changes;
}

/**
 * Registration, editing and deletion of an organisation's own entries: the register → confirm → save
 * path through single-use drafts, the PDF files behind them, the audit trail and the notifications.
 */
export function myEntriesService(deps: Deps) {
  const { db, repository, entries, links, audit, outbox, clock, logger, uploadDir } = deps;

  const filePath = (storedName: string) => path.join(uploadDir, path.basename(storedName));

  /** Removes a stored file unless something still refers to it. Failures are logged, never thrown. */
  function discardFile(storedName: string | undefined | null, exceptDraft = ''): void {
    if (!storedName || repository.fileInUse(storedName, exceptDraft)) return;
    fs.rm(filePath(storedName), { force: true }, (error) => {
      if (error) logger.warn({ err: error, storedName }, 'could not remove an unused upload');
    });
  }

  return {
    /**
     * Keeps validated form values (and the PDF, if one was sent) under a new opaque key until the
     * user confirms. A file carried over from an earlier draft of the same user is reused. With
     * `fileOnly` the values are the form as typed, unchecked: the draft only holds the file until the
     * form is sent again, and saveDraft refuses it.
     */
    createDraft(input: {
      user: SessionUser; entryId: number | null; version: number | null; values: EntryValues; removeAttachment: boolean;
      file?: { buffer: Buffer; originalName: string }; carriedFrom?: Draft; fileOnly?: boolean;
    }): Draft {
      const { user } = input;
      let upload: DraftUpload | null = input.removeAttachment ? null : (input.carriedFrom?.upload ?? null);
      let written: string | null = null;
      if (input.file) {
        const storedName = crypto.randomBytes(16).toString('hex');
        fs.mkdirSync(uploadDir, { recursive: true });
        fs.writeFileSync(filePath(storedName), input.file.buffer, { flag: 'wx' });
        written = storedName;
        upload = {
          storedName,
          originalName: input.file.originalName,
          size: input.file.buffer.length,
          sha256: crypto.createHash('sha256').update(input.file.buffer).digest('hex'),
        };
      }
      const draft: Draft = {
        key: crypto.randomBytes(24).toString('base64url'), userId: user.id, organisationId: user.organisationId,
        entryId: input.entryId, values: input.values, removeAttachment: input.removeAttachment && !input.file,
        version: input.version, upload, fileOnly: input.fileOnly ?? false, createdAt: clock.now().toISOString(), usedAt: null, savedEntryId: null,
      };
      try {
        repository.insertDraft(draft);
      } catch (error) {
        if (written) fs.rmSync(filePath(written), { force: true });
        throw error;
      }
      return draft;
    },

    findDraft(key: string, user: SessionUser): Draft | undefined {
      const draft = repository.findDraft(key, user.id);
      if (!draft || draft.organisationId !== user.organisationId) return undefined;
      if (Date.parse(draft.createdAt) < clock.now().getTime() - DRAFT_LIFETIME_MS) return undefined;
      return draft;
    },

    /**
     * Saves a confirmed draft, once: the entry (new or edited), its genres, keyword index, attachment,
     * audit record and notifications in one transaction. A draft already saved returns the entry it
     * made without doing anything again. Returns undefined when the entry being edited is not the
     * user's organisation's any more, and `conflict` when someone saved it after the form was read
     * (the draft stays unused, so its values and file can be offered again).
     */
    saveDraft(draft: Draft, user: SessionUser, actor: Actor): { entryId: number; created: boolean } | 'conflict' | undefined {
      // Unchecked values are never saved (the route answers such a key as it answers an expired one).
      if (draft.fileOnly) throw new Error('a file-only draft cannot be saved');
      if (draft.usedAt && draft.savedEntryId) return { entryId: draft.savedEntryId, created: false };
      const at = clock.now().toISOString();
      const values = draft.values;
      const registrant = registrantOf(user);
      let replacedFile: string | undefined;

      // IMMEDIATE takes the write lock first, so the draft's state read inside cannot go stale before
      // the write: of two saves of one draft (two processes, say), the second finds it used.
      const result = db.transaction((): { entryId: number; created: boolean } | 'conflict' | undefined => {
        const fresh = repository.findDraft(draft.key, user.id);
        if (fresh?.usedAt && fresh.savedEntryId) return { entryId: fresh.savedEntryId, created: false };
        let entryId: number;
        let change: Diff;
        let before: OwnEntry | undefined;
        if (draft.entryId === null) {
          entryId = entries.insertEntry({
            ...entryContent(values.type, values), ...registrantSnapshot(registrant),
            organisationId: user.organisationId, userId: user.id, genreIds: values.genre,
            operatorIp: actor.ip, createdAt: at, updatedAt: at,
          });
          change = diff({}, values);
        } else {
          before = repository.findOwn(draft.entryId, user.organisationId);
          if (!before) return undefined;
          if (before.version !== draft.version) return 'conflict';
          entryId = before.id;
          const search = searchText({ ...entryContent(values.type, values), ...registrantSnapshot(registrant) });
          if (!repository.updateOwn({ id: entryId, organisationId: user.organisationId, version: before.version, values, at, ip: actor.ip, search })) return 'conflict';
          change = diff(before, values);
        }

        links.replaceOutgoing(entryId, values.related, user.id, at);

        const current = repository.attachmentFile(entryId);
        const newFile = draft.upload && draft.upload.storedName !== current ? draft.upload : null;
        if (newFile || (draft.removeAttachment && current)) {
          repository.removeAttachment(entryId);
          replacedFile = current;
          change.attachment = [current ? '（あり）' : null, newFile ? newFile.originalName : null];
        }
        if (newFile) entries.insertAttachment(entryId, { ...newFile, createdAt: at });

        repository.useDraft(draft.key, at, entryId);
        const action = draft.entryId === null ? 'entry.create' : 'entry.update';
        audit.record(actor, at, action, { type: 'entry', id: entryId }, change);
        for (const mail of registrationMails({ entryId, values, user, registrant, adminEmail: deps.adminEmail, created: draft.entryId === null, link: deps.link })) {
          outbox.enqueue(mail, at);
        }
        return { entryId, created: draft.entryId === null };
      }).immediate();

      if (result && result !== 'conflict') {
        discardFile(replacedFile);
        deps.onMailQueued?.();
      }
      return result;
    },

    /** Soft delete: the row stays with its deletion time; every screen treats it as gone. */
    deleteOwn(entryId: number, user: SessionUser, actor: Actor): boolean {
      const at = clock.now().toISOString();
      const deleted = db.transaction(() => {
        if (!repository.softDeleteOwn(entryId, user.organisationId, user.id, at, actor.ip)) return false;
        const change: Diff = { deleted_at: [null, at] };
        audit.record(actor, at, 'entry.delete', { type: 'entry', id: entryId }, change);
        return true;
      })();
      if (deleted) deps.onMailQueued?.();
      return deleted;
    },

    /**
     * Keeps an entry form that arrived after its session expired, for the user the form was rendered
     * for (resume-token.ts), and returns the key its user comes back with after logging in.
     */
    parkForm(form: { userId: number; entryId: number | null; fields: Record<string, string | string[]>; file?: { buffer: Buffer; originalName: string } }): string {
      const key = crypto.randomBytes(24).toString('base64url');
      let storedName: string | null = null;
      if (form.file) {
        storedName = crypto.randomBytes(16).toString('hex');
        fs.mkdirSync(uploadDir, { recursive: true });
        fs.writeFileSync(filePath(storedName), form.file.buffer, { flag: 'wx' });
      }
      try {
        repository.parkForm({
          key, userId: form.userId, entryId: form.entryId, fields: form.fields, storedName,
          originalName: form.file?.originalName ?? null, createdAt: clock.now().toISOString(),
        });
      } catch (error) {
        if (storedName) fs.rmSync(filePath(storedName), { force: true });
        throw error;
      }
      return key;
    },

    /** Hands a parked form back to its user, once: its fields and file; the parked copy is removed. */
    takeParked(key: string, user: SessionUser): { entryId: number | null; fields: Record<string, string | string[]>; file?: { buffer: Buffer; originalName: string } } | undefined {
      const parked = repository.findParked(key, user.id);
      if (!parked || Date.parse(parked.createdAt) < clock.now().getTime() - DRAFT_LIFETIME_MS) return undefined;
      let file: { buffer: Buffer; originalName: string } | undefined;
      if (parked.storedName && parked.originalName) {
        try {
          file = { buffer: fs.readFileSync(filePath(parked.storedName)), originalName: parked.originalName };
        } catch (error) {
          logger.warn({ err: error, storedName: parked.storedName }, 'a parked form\'s file is missing');
        }
      }
      repository.unpark(key);
      discardFile(parked.storedName);
      return { entryId: parked.entryId, fields: parked.fields, file };
    },

    /**
     * Removes drafts and parked forms older than their lifetime, and their files unless an entry now
     * uses them. Returns how many were removed.
     */
    cleanupDrafts(): number {
      const before = new Date(clock.now().getTime() - DRAFT_LIFETIME_MS).toISOString();
      const stale = repository.staleDrafts(before);
      for (const draft of stale) {
        repository.deleteDraft(draft.key);
        discardFile(draft.storedName, draft.key);
      }
      const parked = repository.staleParked(before);
      for (const form of parked) {
        repository.unpark(form.key);
        discardFile(form.storedName, form.key);
      }
      return stale.length + parked.length;
    },
  };
}

export type MyEntriesService = ReturnType<typeof myEntriesService>;
