-- Issue 16.6: each prefecture's 自治体情報セキュリティクラウド sends many municipalities' traffic out
-- through a few shared addresses, so "one address, IDs of several organisations" is an ordinary
-- morning there. The secretariat registers those ranges; logins through them are kept in the log
-- and raise no shared-address alert.
CREATE TABLE shared_egress_ranges (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  note        TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TRIGGER shared_egress_ranges_version AFTER UPDATE ON shared_egress_ranges
  WHEN NEW.version = OLD.version
BEGIN
  UPDATE shared_egress_ranges SET version = OLD.version + 1 WHERE id = NEW.id;
END;

-- One IPv4/IPv6 address or CIDR a row, canonical text as organisation_ip_ranges keeps them.
CREATE TABLE shared_egress_cidrs (
  range_id  INTEGER NOT NULL REFERENCES shared_egress_ranges (id) ON DELETE CASCADE,
  cidr      TEXT NOT NULL CHECK (length(cidr) BETWEEN 2 AND 49),
  PRIMARY KEY (range_id, cidr)
) STRICT, WITHOUT ROWID;

-- Shared-address alerts go out as one digest an hour: notified_at is when an anomaly was in one.
-- Those recorded before this migration were mailed one by one when they happened.
ALTER TABLE login_anomalies ADD COLUMN notified_at TEXT;
UPDATE login_anomalies SET notified_at = at;
CREATE INDEX login_anomalies_unnotified ON login_anomalies (at) WHERE notified_at IS NULL;
