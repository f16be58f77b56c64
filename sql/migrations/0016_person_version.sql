-- Version 16: each person's version, so that every server process can keep what a person's
-- own pages show ("mon parcours": their registrations with sessions and modules, their places
-- on waiting lists, their attendance, attestations and profile) and learn, with the read that
-- finds the signed-in person, whether it still shows the database (issue 13). Every change to
-- those rows adds 1 to the person's row in the change's own transaction (the storage layer
-- does it in the statements that write them); a person without a row is at version 0. A
-- change that moves others on a waiting list (a waiting person leaving it, or joining it ahead
-- of them) adds 1 to each person behind. The numbers only grow.
CREATE TABLE person_version (
  user_id BIGINT NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
