-- Version 2: attendance sheets, the notification outbox, and the scheduler's bookkeeping.

CREATE TABLE attendance (
  session_id BIGINT NOT NULL,
  participant_id BIGINT NOT NULL,
  status ENUM('present','absent','excused','partial') NOT NULL,
  -- Hours credited: the module's hours when present, the given hours when partial, else 0.
  hours DECIMAL(7,2) NOT NULL,
  marked_by BIGINT NOT NULL,
  marked_at DATETIME(3) NOT NULL,
  PRIMARY KEY (session_id, participant_id),
  KEY ix_attendance_participant (participant_id, status),
  CONSTRAINT fk_attendance_session FOREIGN KEY (session_id) REFERENCES sessions (id),
  CONSTRAINT fk_attendance_participant FOREIGN KEY (participant_id) REFERENCES users (id)
) ENGINE=InnoDB;

-- Written in the same transaction as the change it reports; delivered later by the outbox
-- dispatcher (SMTP), with retries and backoff.
CREATE TABLE notifications (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  to_email VARCHAR(254) NOT NULL,
  language CHAR(2) NOT NULL,
  subject VARCHAR(1000) NOT NULL,
  body_text MEDIUMTEXT NOT NULL,
  ics MEDIUMTEXT NULL,
  status ENUM('pending','sent','failed') NOT NULL DEFAULT 'pending',
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL,
  last_error VARCHAR(1000) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  sent_at DATETIME(3) NULL,
  KEY ix_notifications_due (status, next_attempt_at),
  KEY ix_notifications_user (user_id, id),
  CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE sessions
  ADD COLUMN decided_at DATETIME(3) NULL,
  ADD COLUMN cancelled_by_threshold TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN reminder_sent_at DATETIME(3) NULL,
  -- Bumped on every change a calendar client must see (RFC 5545 SEQUENCE).
  ADD COLUMN ics_sequence INT NOT NULL DEFAULT 0;

CREATE INDEX ix_sessions_status_ends ON sessions (status, ends_at);
CREATE INDEX ix_sessions_status_starts ON sessions (status, starts_at);
