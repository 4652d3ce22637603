-- The genre tree as it stood in a fiscal year (issue 22.5: ＷＧメンバが年度ごとに課題分類を行いシステムに
-- 反映する). The secretariat saves 「2026年度版」 once the WG's review is in; a later save of the same
-- year replaces it. `genres` is the whole table then, retired genres included, with each genre's
-- published entries: [{"id":1,"parentId":null,"name":"防災","sortOrder":1,"retired":false,"entries":12}, …].
CREATE TABLE genre_snapshots (
  fiscal_year  INTEGER PRIMARY KEY CHECK (fiscal_year BETWEEN 2000 AND 2999),
  genres       TEXT NOT NULL CHECK (json_valid(genres)),
  created_at   TEXT NOT NULL,
  created_by   INTEGER REFERENCES users (id)
) STRICT;
