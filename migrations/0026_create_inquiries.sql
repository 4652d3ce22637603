-- Issue 21.3: municipality staff ask an entry's contact a question through the portal. The portal
-- relays it by mail (src/features/inquiries/): the portal is the sender and the asker's address goes
-- in Reply-To only, so the vendor's answer reaches the asker as an ordinary reply while the mail's
-- text names the asker's organisation, department and name, not the address.
ALTER TABLE mail_outbox ADD COLUMN reply_to TEXT;

-- What the asking organisation sent, for its /my/inquiries. The entry's organisation sees how many
-- came per entry; the secretariat counts, never the text.
CREATE TABLE inquiries (
  id               INTEGER PRIMARY KEY,
  entry_id         INTEGER NOT NULL REFERENCES entries (id),
  organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  user_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
  subject          TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 100),
  body             TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  -- Where it went: the entry's contact address at the time (the entry may be edited later).
  sent_to          TEXT NOT NULL,
  created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX inquiries_by_organisation ON inquiries (organisation_id, created_at);
CREATE INDEX inquiries_by_user ON inquiries (user_id, created_at);
CREATE INDEX inquiries_by_entry ON inquiries (entry_id);
