-- 利用者アンケート (issue 22.4; the trial plan, ６．実証実験計画書, judges the service by it). The
-- secretariat defines a survey for municipalities, vendors or both, open between two dates (Japan
-- time, both included); each user answers once or dismisses it. Answers are summarised without names:
-- a response keeps the user only to refuse a second one, and the kind of organisation for the summary.
CREATE TABLE surveys (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  description  TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  audience     TEXT NOT NULL CHECK (audience IN ('municipality', 'vendor', 'both')),
  opens_on     TEXT NOT NULL CHECK (opens_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  closes_on    TEXT NOT NULL CHECK (closes_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  created_by   INTEGER REFERENCES users (id),
  version      INTEGER NOT NULL DEFAULT 1,
  CHECK (opens_on <= closes_on)
) STRICT;
CREATE INDEX surveys_open ON surveys (closes_on, opens_on);

-- choice: one of `choices` (a JSON array of labels); scale: 1 to 5; text: free text.
CREATE TABLE survey_questions (
  id         INTEGER PRIMARY KEY,
  survey_id  INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('choice', 'scale', 'text')),
  text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 200),
  choices    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(choices)),
  required   INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
  UNIQUE (survey_id, position)
) STRICT;

CREATE TABLE survey_responses (
  id                 INTEGER PRIMARY KEY,
  survey_id          INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  user_id            INTEGER NOT NULL REFERENCES users (id),
  organisation_kind  TEXT NOT NULL CHECK (organisation_kind IN ('municipality', 'vendor')),
  submitted_at       TEXT NOT NULL,
  UNIQUE (survey_id, user_id)
) STRICT;

CREATE TABLE survey_answers (
  response_id  INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
  question_id  INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
  choice       INTEGER,
  scale        INTEGER CHECK (scale BETWEEN 1 AND 5),
  text         TEXT CHECK (length(text) <= 2000),
  PRIMARY KEY (response_id, question_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX survey_answers_by_question ON survey_answers (question_id);

-- 「今後表示しない」: the home page stops asking this user.
CREATE TABLE survey_dismissals (
  survey_id  INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at         TEXT NOT NULL,
  PRIMARY KEY (survey_id, user_id)
) STRICT, WITHOUT ROWID;
