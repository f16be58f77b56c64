-- The demo catalogue loaded by deploy/run.sh (once per database, via `parcours seed`):
-- the two training agencies, the "Let's Talk about Sex !" pathway of the Cesas 2024 report
-- (six 4-hour theoretical modules and the 8-hour practical day, 32 hours), dated sessions
-- in 2027 through IFEN (teachers) and FEDAS (non-formal educators), and two one-off events.
-- Times are UTC (Luxembourg is UTC+1 in winter, UTC+2 from the last Sunday of March).

INSERT INTO agencies (code, name, created_at) VALUES
  ('IFEN', 'Institut de formation de l''Éducation nationale', UTC_TIMESTAMP(3)),
  ('FEDAS', 'Fédération des acteurs du secteur social (éducation non formelle)', UTC_TIMESTAMP(3));

INSERT INTO pathways (code, title) VALUES ('LTAS', 'Let''s Talk about Sex !');

INSERT INTO modules (pathway_id, position, code, title, hours)
SELECT p.id, m.position, m.code, m.title, m.hours
FROM pathways p
JOIN (
  SELECT 1 AS position, 'LTAS-PUB' AS code, 'Puberté-anatomie' AS title, 4.00 AS hours
  UNION ALL SELECT 2, 'LTAS-DIV', 'Diversité corporelle, sexuelle et de genre', 4.00
  UNION ALL SELECT 3, 'LTAS-MED', 'Nouveaux médias', 4.00
  UNION ALL SELECT 4, 'LTAS-CON', 'Contraception', 4.00
  UNION ALL SELECT 5, 'LTAS-DRO', 'Droits sexuels et violences', 4.00
  UNION ALL SELECT 6, 'LTAS-IST', 'IST (infections sexuellement transmissibles)', 4.00
  UNION ALL SELECT 7, 'LTAS-TOOL', 'Journée pratique « Toolkit LTAS »', 8.00
) m
WHERE p.code = 'LTAS';

INSERT INTO modules (pathway_id, position, code, title, hours) VALUES
  (NULL, 0, 'COLLOQUE-2027', 'Colloque en ligne : santé affective et sexuelle à l''école', 3.00),
  (NULL, 0, 'SPEED-2027', 'Speed-meeting des professionnel·le·s', 4.00);

-- Theoretical modules: one IFEN afternoon and one FEDAS morning each, spring 2027.
INSERT INTO sessions (module_id, starts_at, ends_at, decision_at, capacity, min_registrants,
                      agency_code, location, mode, status)
SELECT m.id, s.starts_at, s.starts_at + INTERVAL 4 HOUR, s.starts_at - INTERVAL 14 DAY, 20, 10,
       s.agency, s.location, 'onsite', 'scheduled'
FROM modules m
JOIN (
  SELECT 'LTAS-PUB' AS code, TIMESTAMP('2027-01-19 13:00:00') AS starts_at, 'IFEN' AS agency, 'IFEN, Walferdange' AS location
  UNION ALL SELECT 'LTAS-PUB', TIMESTAMP('2027-02-09 08:00:00'), 'FEDAS', 'Cesas, Luxembourg'
  UNION ALL SELECT 'LTAS-DIV', TIMESTAMP('2027-01-26 13:00:00'), 'IFEN', 'IFEN, Walferdange'
  UNION ALL SELECT 'LTAS-DIV', TIMESTAMP('2027-02-16 08:00:00'), 'FEDAS', 'Centre LGBTIQ+ Cigale, Luxembourg'
  UNION ALL SELECT 'LTAS-MED', TIMESTAMP('2027-02-02 13:00:00'), 'IFEN', 'IFEN, Walferdange'
  UNION ALL SELECT 'LTAS-MED', TIMESTAMP('2027-03-02 08:00:00'), 'FEDAS', 'Cesas, Luxembourg'
  UNION ALL SELECT 'LTAS-CON', TIMESTAMP('2027-03-09 13:00:00'), 'IFEN', 'IFEN, Walferdange'
  UNION ALL SELECT 'LTAS-CON', TIMESTAMP('2027-03-16 08:00:00'), 'FEDAS', 'Planning Familial, Luxembourg'
  UNION ALL SELECT 'LTAS-DRO', TIMESTAMP('2027-04-20 12:00:00'), 'IFEN', 'IFEN, Walferdange'
  UNION ALL SELECT 'LTAS-DRO', TIMESTAMP('2027-04-27 07:00:00'), 'FEDAS', 'Cesas, Luxembourg'
  UNION ALL SELECT 'LTAS-IST', TIMESTAMP('2027-05-04 12:00:00'), 'IFEN', 'IFEN, Walferdange'
  UNION ALL SELECT 'LTAS-IST', TIMESTAMP('2027-05-11 07:00:00'), 'FEDAS', 'Croix-Rouge, Luxembourg'
) s ON s.code = m.code;

-- The practical day (8 hours) and the one-off events.
INSERT INTO sessions (module_id, starts_at, ends_at, decision_at, capacity, min_registrants,
                      agency_code, location, mode, status)
SELECT m.id, TIMESTAMP('2027-06-08 07:00:00'), TIMESTAMP('2027-06-08 15:00:00'),
       TIMESTAMP('2027-05-25 07:00:00'), 24, 10, 'IFEN', 'Cesas, Luxembourg', 'onsite', 'scheduled'
FROM modules m WHERE m.code = 'LTAS-TOOL';

INSERT INTO sessions (module_id, starts_at, ends_at, decision_at, capacity, min_registrants,
                      agency_code, location, mode, status)
SELECT m.id, TIMESTAMP('2027-03-23 16:00:00'), TIMESTAMP('2027-03-23 19:00:00'),
       TIMESTAMP('2027-03-09 16:00:00'), 100, 10, NULL, 'En ligne', 'online', 'scheduled'
FROM modules m WHERE m.code = 'COLLOQUE-2027';

INSERT INTO sessions (module_id, starts_at, ends_at, decision_at, capacity, min_registrants,
                      agency_code, location, mode, status)
SELECT m.id, TIMESTAMP('2027-10-14 07:00:00'), TIMESTAMP('2027-10-14 11:00:00'),
       TIMESTAMP('2027-09-30 07:00:00'), 80, 10, NULL, 'Neimënster, Luxembourg', 'onsite', 'scheduled'
FROM modules m WHERE m.code = 'SPEED-2027';
