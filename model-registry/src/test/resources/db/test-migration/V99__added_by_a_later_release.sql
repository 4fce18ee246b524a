-- A stand-in for a later release's migration (tests only): a column with a default on an
-- existing table, and a new table.
ALTER TABLE experiments ADD COLUMN note VARCHAR(200) DEFAULT 'added by V99';
CREATE TABLE run_notes (run_id VARCHAR(32) PRIMARY KEY, note VARCHAR(200));
