-- The secretariat reviews each new or changed entry (5．オペレーション仕様: 登録後 ⇒ ＡＰＰＬＩＣ事務局が
-- 登録内容を確認). An entry waits for review while reviewed_at is missing or older than its update.
ALTER TABLE entries ADD COLUMN reviewed_at TEXT;
ALTER TABLE entries ADD COLUMN reviewed_by INTEGER REFERENCES users (id);
CREATE INDEX entries_waiting_review ON entries (updated_at) WHERE deleted_at IS NULL;
