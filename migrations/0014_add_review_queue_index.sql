-- Issue 16.1: the review queue (/admin/review), oldest change first, 30 a page, at 100,000 entries.
-- The WHERE is the queue's own condition, word for word, so the planner can use this index for it; it
-- replaces 0003's index, which held every entry that was not deleted, waiting or not.
DROP INDEX entries_waiting_review;
CREATE INDEX entries_review_queue ON entries (updated_at, id)
  WHERE deleted_at IS NULL AND (reviewed_at IS NULL OR reviewed_at < updated_at);
