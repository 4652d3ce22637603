-- Issue 20: the keyword indexes (entry_search, entry_bigrams) hold text folded by src/search-fold.ts.
-- Version 1 is what came before (NFKC and lower case only); version 2 also folds katakana to hiragana
-- and variant kanji to their everyday forms. Text written by older code is folded again, once, when
-- the portal starts (searchRepository.upgradeSearchText). A database with nothing indexed yet starts
-- at the current version, so a fresh one is never rewritten.
INSERT INTO settings (key, value, updated_at)
SELECT 'search_text_version', CASE WHEN EXISTS (SELECT 1 FROM entry_search) THEN '1' ELSE '2' END,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
ON CONFLICT (key) DO NOTHING;
