-- Issue 16 (refactor): a link check is only ever of the entry's current address. Before, every
-- query that showed one had to add "AND c.url = e.url" (a string the freshness feature spliced into
-- search and entry SQL); now an edit to another address removes the old check here, in the schema,
-- and the checker records a result only while the entry still has the address it checked.
DELETE FROM link_checks
 WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = link_checks.entry_id AND e.url = link_checks.url);

CREATE TRIGGER entries_url_changed AFTER UPDATE OF url ON entries WHEN NEW.url IS NOT OLD.url
BEGIN
  DELETE FROM link_checks WHERE entry_id = NEW.id;
END;
