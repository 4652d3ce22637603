-- Sign-in through the association's OpenID Connect issuer (issue 24). An external subject is linked
-- to exactly one portal account, and an account to at most one subject; the organisation and its
-- kind always come from the account, never from a claim. Nothing is created on a first sign-in: a
-- subject without a row here is refused.
CREATE TABLE oidc_links (
  user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  issuer     TEXT NOT NULL,
  subject    TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
  linked_at  TEXT NOT NULL,
  linked_by  INTEGER REFERENCES users (id),
  UNIQUE (issuer, subject)
) STRICT;

-- How each login was made: the portal's password form, or the issuer.
ALTER TABLE login_events ADD COLUMN method TEXT NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'oidc'));
