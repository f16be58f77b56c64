-- Version 3: agency enrolments (external ids), the per-agency change feed, account claims.

CREATE TABLE agency_enrolments (
  agency_code VARCHAR(32) NOT NULL,
  external_id VARCHAR(128) NOT NULL,
  registration_id BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (agency_code, external_id),
  UNIQUE KEY uq_agency_enrolments_registration (registration_id),
  CONSTRAINT fk_agency_enrolments_agency FOREIGN KEY (agency_code) REFERENCES agencies (code),
  CONSTRAINT fk_agency_enrolments_registration FOREIGN KEY (registration_id) REFERENCES registrations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The feed: seq is assigned from agencies.last_change_seq while that agency row is locked,
-- and the lock is held until commit, so sequence numbers become visible in commit order and
-- a reader that has seen seq n will never later find a new row below n.
ALTER TABLE agencies ADD COLUMN last_change_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE agency_changes (
  agency_code VARCHAR(32) NOT NULL,
  seq BIGINT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  external_id VARCHAR(128) NULL,
  session_id BIGINT NOT NULL,
  registration_id BIGINT NULL,
  status VARCHAR(32) NOT NULL,
  at DATETIME(3) NOT NULL,
  PRIMARY KEY (agency_code, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One-time secrets that let a person set their password (accounts created by an agency).
CREATE TABLE password_resets (
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  used_at DATETIME(3) NULL,
  KEY ix_password_resets_user (user_id),
  CONSTRAINT fk_password_resets_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

CREATE INDEX ix_registrations_channel ON registrations (channel, session_id);

-- The yearly report reads attendance alone: what it groups by is copied in when a mark is
-- written (a session's module and start, and the registration's channel, never change).
ALTER TABLE attendance
  ADD COLUMN module_id BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN channel VARCHAR(32) NOT NULL DEFAULT 'DIRECT',
  ADD COLUMN starts_at DATETIME(3) NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE attendance a JOIN sessions s ON s.id = a.session_id
  JOIN registrations r ON r.session_id = a.session_id AND r.participant_id = a.participant_id AND r.status = 'confirmed'
  SET a.module_id = s.module_id, a.channel = r.channel, a.starts_at = s.starts_at;
CREATE INDEX ix_attendance_report ON attendance (starts_at, status, module_id, channel, participant_id);
