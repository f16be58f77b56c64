-- Version 13: the catalogue's version, so that every server process can keep rendered
-- catalogue answers and pages and learn, with one cheap read per request, whether they still
-- show the database (issue 13). Each change to what the catalogue shows adds 1 to a row in
-- the change's own transaction:
--   row 32       the structure: a pathway, module or session written (created, edited,
--                cancelled, decided). Read on every request: such a change is seen at once.
--   rows 0-31    the counts of confirmed and waiting registrations of session id mod 32 (the
--                rows spread registrations into different sessions so that they do not queue
--                on one row). Their sum may be served up to a second old.
-- The numbers only grow, so a process that reads the same numbers sees the same catalogue.
CREATE TABLE catalogue_version (
  shard TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
INSERT INTO catalogue_version (shard) VALUES
  (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15),
  (16), (17), (18), (19), (20), (21), (22), (23), (24), (25), (26), (27), (28), (29), (30), (31),
  (32);
