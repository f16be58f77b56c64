-- Version 11 (issue 10): trainers and the coordinator at work — sessions edited in place,
-- walk-ins and self check-in at the door, and participation imported from before Parcours.

ALTER TABLE sessions
  -- The link of an online or hybrid session: given to its registrants (messages, calendar)
  -- and to staff, never shown in the public catalogue.
  ADD COLUMN online_link VARCHAR(2000) NOT NULL DEFAULT '',
  -- 1: a past session that a history import recorded (participation from before Parcours).
  ADD COLUMN imported TINYINT NOT NULL DEFAULT 0,
  -- The attendance sheet confirmed by a trainer or coordinator: self check-in ends there.
  ADD COLUMN sheet_confirmed_at DATETIME(3) NULL,
  ADD COLUMN sheet_confirmed_by BIGINT NULL,
  -- The secret the session's rotating check-in codes derive from (made on first use, hex).
  ADD COLUMN check_in_secret CHAR(64) CHARACTER SET ascii NULL;

-- An imported registration is history, not a place: it never holds the module's unique key
-- (someone who took a module in 2022 may register for it again).
ALTER TABLE registrations
  DROP INDEX uq_registrations_module_active,
  DROP COLUMN active_module,
  ADD COLUMN imported TINYINT NOT NULL DEFAULT 0;
ALTER TABLE registrations
  ADD COLUMN active_module BIGINT AS (CASE WHEN status IN ('confirmed', 'waitlisted') AND module_override = 0
                                      AND imported = 0 THEN module_id ELSE NULL END) STORED,
  ADD UNIQUE KEY uq_registrations_module_active (participant_id, active_module);

-- Each history import: who, when, which file (its SHA-256), how many rows.
CREATE TABLE history_imports (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  imported_by BIGINT NOT NULL,
  imported_at DATETIME(3) NOT NULL,
  file_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  row_count INT NOT NULL,
  CONSTRAINT fk_history_imports_user FOREIGN KEY (imported_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- How a mark came: the sheet, the participant's own check-in, a walk-in at the door, or a
-- history import (then import_id names it).
ALTER TABLE attendance
  ADD COLUMN source ENUM('sheet', 'check_in', 'walk_in', 'import') NOT NULL DEFAULT 'sheet',
  ADD COLUMN import_id BIGINT NULL;

-- The person an audit row concerns (a person's record shows their trail) is audit_log.person_id,
-- added with its backfill by version 12.

-- The coordinator's search by name, e-mail or organisation scans users; the failed outbox
-- messages are read newest first.
CREATE INDEX ix_notifications_status_id ON notifications (status, id);
