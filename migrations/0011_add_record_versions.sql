-- Issue 15.10 (contract: Trust rules).
-- Optimistic concurrency: every edit form carries the version it was read from, and a save names it in
-- its WHERE. The triggers move the number on any change of what a form shows, whoever writes it (the
-- owner, the secretariat, the CSV import), so no writer can forget to.
ALTER TABLE entries ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE genres ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE info_types ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TRIGGER entries_version AFTER UPDATE OF type_id, title, summary, url, contact_company,
  contact_department, contact_name, contact_phone, contact_email, organisation_id, updated_at,
  suspended_at, deleted_at ON entries WHEN NEW.version = OLD.version
BEGIN UPDATE entries SET version = OLD.version + 1 WHERE id = NEW.id; END;

CREATE TRIGGER genres_version AFTER UPDATE OF parent_id, name, sort_order, retired_at ON genres
  WHEN NEW.version = OLD.version
BEGIN UPDATE genres SET version = OLD.version + 1 WHERE id = NEW.id; END;

CREATE TRIGGER info_types_version AFTER UPDATE OF name, sort_order ON info_types WHEN NEW.version = OLD.version
BEGIN UPDATE info_types SET version = OLD.version + 1 WHERE id = NEW.id; END;

-- An organisation's IP ranges live in their own table; saving the form always writes updated_at.
CREATE TRIGGER organisations_version AFTER UPDATE OF name, kind, updated_at ON organisations
  WHEN NEW.version = OLD.version
BEGIN UPDATE organisations SET version = OLD.version + 1 WHERE id = NEW.id; END;

CREATE TRIGGER users_version AFTER UPDATE OF organisation_id, login_id, password_hash, name, department,
  phone, email, active ON users WHEN NEW.version = OLD.version
BEGIN UPDATE users SET version = OLD.version + 1 WHERE id = NEW.id; END;

