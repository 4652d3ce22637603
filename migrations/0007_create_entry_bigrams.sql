-- Keyword search for two-character terms (most Japanese words are two kanji: 防災, 観光, 子育): the
-- trigram index cannot find them, and scanning every text costs time in proportion to the catalog.
-- Here the application stores each entry's normalised title and summary as space-separated
-- overlapping pairs of characters ("防災 災の の新 …"); unicode61 makes each pair a token, so a
-- two-character term is an index lookup. rowid = entries.id. Filled by the same writes that fill
-- entry_search; rows missing after this migration are filled at start-up (search.repository.ts).
CREATE VIRTUAL TABLE entry_bigrams USING fts5 (text, tokenize = 'unicode61 remove_diacritics 0');
