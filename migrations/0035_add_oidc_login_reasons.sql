-- migrate: rebuilds tables (login_events, below)
-- Issue 24: the login log keeps the OpenID Connect logins that were refused too, as it keeps every
-- refused password: an answer from the issuer that did not check out (a tampered state, a replayed
-- code, a wrong nonce, an expired token, another issuer's token: oidc_refused, login_id ''), a
-- subject linked to no account (oidc_unlinked, login_id = the subject, so the secretariat can link
-- it), and a right password refused because the secretariat requires the association's ID for
-- municipality and vendor accounts (password_not_allowed). SQLite cannot change a CHECK, so the table
-- is rebuilt as in 0018; login_anomalies finds the new table under the old name.
CREATE TABLE login_events_new (
  id               INTEGER PRIMARY KEY,
  at               TEXT NOT NULL,
  login_id         TEXT NOT NULL,
  user_id          INTEGER REFERENCES users (id),
  organisation_id  INTEGER REFERENCES organisations (id),
  ip               TEXT NOT NULL,
  user_agent       TEXT NOT NULL DEFAULT '',
  success          INTEGER NOT NULL CHECK (success IN (0, 1)),
  reason           TEXT NOT NULL CHECK (reason IN (
                     'ok', 'bad_credentials', 'inactive', 'locked', 'lock_started', 'ip_throttled',
                     'outside_range_denied', 'second_factor', 'bad_otp',
                     'oidc_refused', 'oidc_unlinked', 'password_not_allowed')),
  ip_key           TEXT NOT NULL DEFAULT '',
  pending          INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)),
  method           TEXT NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'oidc'))
) STRICT;
INSERT INTO login_events_new (id, at, login_id, user_id, organisation_id, ip, user_agent, success, reason, ip_key, pending, method)
  SELECT id, at, login_id, user_id, organisation_id, ip, user_agent, success, reason, ip_key, pending, method FROM login_events;
DROP TABLE login_events;
ALTER TABLE login_events_new RENAME TO login_events;
CREATE INDEX login_events_by_login_id ON login_events (login_id, at);
CREATE INDEX login_events_by_ip ON login_events (ip, at);
CREATE INDEX login_events_by_time ON login_events (at);
CREATE INDEX login_events_by_ip_key ON login_events (ip_key, at);
CREATE INDEX login_events_ok_by_login_id ON login_events (login_id, ip_key, at) WHERE reason = 'ok';
