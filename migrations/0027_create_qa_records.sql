-- Issue 21.4: the QA・インシデント管理台帳 (５．オペレーション仕様（２）), kept in the portal instead of a
-- spreadsheet. Every question and incident, sorted as the spec sorts them:
--   product    製品・事例に関する問い合わせ — the asker is referred to the entry's organisation;
--   operation  システム運用面 — the operating company is asked, then the asker answered;
--   function   システム機能面 — recorded, decided at the 検討会, answered;
--   other      その他.
-- `source`: filed by a member on /contact, or entered by the secretariat (a phone call, a mail).
-- The history of changes is the audit log (target type `qa_record`), like every other change.
CREATE TABLE qa_records (
  id                     INTEGER PRIMARY KEY,
  category               TEXT NOT NULL CHECK (category IN ('product', 'operation', 'function', 'other')),
  subject                TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 100),
  body                   TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  status                 TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'review', 'answered', 'closed')),
  answer                 TEXT NOT NULL DEFAULT '' CHECK (length(answer) <= 4000),
  owner_user_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
  entry_id               INTEGER REFERENCES entries (id),
  asker_user_id          INTEGER REFERENCES users (id) ON DELETE SET NULL,
  asker_organisation_id  INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
  source                 TEXT NOT NULL CHECK (source IN ('contact', 'secretariat')),
  created_at             TEXT NOT NULL,
  updated_at             TEXT NOT NULL,
  answered_at            TEXT,
  version                INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX qa_records_by_status ON qa_records (status, category, created_at);
CREATE INDEX qa_records_by_asker ON qa_records (asker_user_id, created_at);
