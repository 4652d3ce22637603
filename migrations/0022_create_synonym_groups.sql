-- Issue 20: the secretariat's thesaurus (/admin/synonyms). A keyword equal to a word of a group also
-- finds entries holding any other word of it. `words` is a JSON array of the words as written; the
-- search folds them (search-fold.ts) when it loads them. `thesaurus_version` moves with every save,
-- so each process's search index reloads the groups before its next search.
CREATE TABLE synonym_groups (
  id        INTEGER PRIMARY KEY,
  position  INTEGER NOT NULL,
  words     TEXT NOT NULL CHECK (json_valid(words) AND json_array_length(words) >= 2)
) STRICT;

INSERT INTO settings (key, value, updated_at) VALUES ('thesaurus_version', '1', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
ON CONFLICT (key) DO NOTHING;

-- A starter set of municipal vocabulary, written for this portal: words officers and vendors use for
-- the same thing. The secretariat edits or empties it on /admin/synonyms.
INSERT INTO synonym_groups (position, words) VALUES
  (0, '["防災","災害対策","減災"]'),
  (1, '["子育て","育児"]'),
  (2, '["電子申請","オンライン申請","電子手続き"]'),
  (3, '["公共交通","地域交通","デマンド交通"]'),
  (4, '["高齢者","シニア"]'),
  (5, '["見守り","安否確認"]'),
  (6, '["テレワーク","リモートワーク","在宅勤務"]'),
  (7, '["人工知能","AI"]'),
  (8, '["マイナンバーカード","個人番号カード"]'),
  (9, '["GIS","地理情報システム"]'),
  (10, '["保育所","保育園"]'),
  (11, '["健診","健康診断"]'),
  (12, '["空き家","空家"]'),
  (13, '["キャッシュレス","電子決済"]'),
  (14, '["チャットボット","自動応答"]'),
  (15, '["オンライン授業","遠隔授業"]'),
  (16, '["RPA","業務自動化"]'),
  (17, '["観光","ツーリズム"]');
