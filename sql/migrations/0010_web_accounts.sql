-- Version 10: what the pages of professionals need.

-- A person's calendar subscription: a secret URL (/calendar/{token}.ics) that calendar
-- applications poll without an Authorization header. Only the token's SHA-256 is kept; one per
-- person; renewing replaces it, revoking deletes it.
CREATE TABLE calendar_feeds (
  user_id BIGINT NOT NULL PRIMARY KEY,
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_calendar_feeds_token (token_hash),
  CONSTRAINT fk_calendar_feeds_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

-- Attendance certificates (one session attended), kept like attestations: signed once, stored
-- with their SHA-256 so that downloads return the same bytes, verifiable at /verify/{code}. What
-- they certify is copied in, so a certificate stays verifiable after the person's data is
-- erased. A corrected attendance revokes the old certificate and issues a new one.
CREATE TABLE attendance_certificates (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  registration_id BIGINT NOT NULL,
  participant_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  verification_code CHAR(19) CHARACTER SET ascii NOT NULL,
  issued_at DATETIME(3) NOT NULL,
  holder_name VARCHAR(800) NOT NULL,
  module_title VARCHAR(1200) NOT NULL,
  pathway_title VARCHAR(1200) NOT NULL DEFAULT '',
  hours DECIMAL(7,2) NOT NULL,
  session_starts_at DATETIME(3) NOT NULL,
  session_ends_at DATETIME(3) NOT NULL,
  language CHAR(2) NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  pdf_base64 LONGTEXT CHARACTER SET ascii NOT NULL,
  revoked_at DATETIME(3) NULL,
  revoke_reason VARCHAR(4000) NOT NULL DEFAULT '',
  -- 1 while valid: at most one valid certificate per registration.
  active TINYINT AS (CASE WHEN revoked_at IS NULL THEN 1 ELSE NULL END) STORED,
  UNIQUE KEY uq_attendance_certificates_code (verification_code),
  UNIQUE KEY uq_attendance_certificates_active (registration_id, active),
  KEY ix_attendance_certificates_participant (participant_id),
  KEY ix_attendance_certificates_sha256 (sha256),
  CONSTRAINT fk_attendance_certificates_registration FOREIGN KEY (registration_id) REFERENCES registrations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Password-reset requests are limited per account: the latest link's time is read by user.
ALTER TABLE password_resets ADD KEY ix_password_resets_user_created (user_id, created_at);
