-- Issue 16: the secretariat's entry list and dashboard at 100,000 entries (npm run bench found
-- /admin at 130 ms and /admin/entries at 120 ms). Each list page's ids come from this index alone
-- (it holds what every status filter reads), newest first, before the rows are joined, and the
-- dashboard counts by type and state over it instead of over every row. updated_at leads so the
-- planner never prefers it for a join by type (an index led by type_id made it drive the review
-- queue from info_types: 110 ms).
CREATE INDEX entries_by_update ON entries (updated_at DESC, id DESC, deleted_at, suspended_at, reviewed_at, type_id);
