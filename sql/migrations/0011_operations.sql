-- Version 11 (issue 10): trainers and the coordinator at work — sessions edited in place,
-- walk-ins and self check-in at the door, participation imported from before Parcours, and
-- a person's audit trail.

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

-- The person an audit row concerns (a person's record shows their trail); set by the change
-- itself from now on, and backfilled here from the entities earlier rows name.
ALTER TABLE audit_log
  ADD COLUMN subject_id BIGINT NULL,
  ADD KEY ix_audit_subject (subject_id, id),
  ADD KEY ix_audit_action (action, id);
UPDATE audit_log SET subject_id = entity_id WHERE entity_type = 'user';
UPDATE audit_log a JOIN registrations r ON r.id = a.entity_id
  SET a.subject_id = r.participant_id WHERE a.entity_type = 'registration';
UPDATE audit_log a JOIN attestations t ON t.id = a.entity_id
  SET a.subject_id = t.participant_id WHERE a.entity_type = 'attestation';
UPDATE audit_log SET subject_id = CAST(JSON_UNQUOTE(JSON_EXTRACT(after_json, '$.participant_id')) AS SIGNED)
  WHERE entity_type = 'attendance' AND JSON_VALID(after_json)
    AND JSON_EXTRACT(after_json, '$.participant_id') IS NOT NULL;

-- The coordinator's search by name, e-mail or organisation scans users; the failed outbox
-- messages are read newest first.
CREATE INDEX ix_notifications_status_id ON notifications (status, id);
