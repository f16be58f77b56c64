-- Version 21: people's shards of the catalogue version (issue 13). A server keeps the answers
-- of a person's own pages ("mon parcours") and, to know without a query per request whether
-- one still shows the database, reads these rows with the catalogue's version (one shared
-- read). Rows 64 to 127 are the 64 shards of people (user id modulo 64): every transaction
-- that changes what a person's pages show, or revokes their sign-in tokens, adds 1 to its
-- people's shards just before it commits (in shard order, so that two such transactions never
-- wait for each other). Rows 0 to 32 keep their meaning (0013_catalogue_version.sql).
INSERT INTO catalogue_version (shard) VALUES
  (64), (65), (66), (67), (68), (69), (70), (71), (72), (73), (74), (75), (76), (77), (78), (79),
  (80), (81), (82), (83), (84), (85), (86), (87), (88), (89), (90), (91), (92), (93), (94), (95),
  (96), (97), (98), (99), (100), (101), (102), (103), (104), (105), (106), (107), (108), (109), (110), (111),
  (112), (113), (114), (115), (116), (117), (118), (119), (120), (121), (122), (123), (124), (125), (126), (127);
