-- Parcours schema, version 1: people, agencies, the catalogue, registrations, audit,
-- idempotency keys. Times are UTC DATETIME(3). Works on MariaDB 10.11 and MySQL 8.

CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(254) NOT NULL,
  name VARCHAR(800) NOT NULL,
  organisation VARCHAR(800) NOT NULL DEFAULT '',
  language CHAR(2) NOT NULL DEFAULT 'fr',
  roles INT UNSIGNED NOT NULL,
  password_hash VARCHAR(255) NOT NULL DEFAULT '',
  failed_logins INT NOT NULL DEFAULT 0,
  locked_until DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE auth_tokens (
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  KEY ix_auth_tokens_user (user_id),
  CONSTRAINT fk_auth_tokens_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

CREATE TABLE login_failures (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  address VARCHAR(64) NOT NULL,
  at DATETIME(3) NOT NULL,
  KEY ix_login_failures_address (address, at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

CREATE TABLE agencies (
  code VARCHAR(32) NOT NULL PRIMARY KEY,
  name VARCHAR(800) NOT NULL,
  created_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE agency_keys (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agency_code VARCHAR(32) NOT NULL,
  key_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  UNIQUE KEY uq_agency_keys_hash (key_hash),
  CONSTRAINT fk_agency_keys_agency FOREIGN KEY (agency_code) REFERENCES agencies (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE pathways (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(32) NOT NULL,
  title VARCHAR(1200) NOT NULL,
  UNIQUE KEY uq_pathways_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE modules (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  pathway_id BIGINT NULL,
  position INT NOT NULL DEFAULT 0,
  code VARCHAR(32) NOT NULL,
  title VARCHAR(1200) NOT NULL,
  hours DECIMAL(7,2) NOT NULL,
  UNIQUE KEY uq_modules_code (code),
  KEY ix_modules_pathway (pathway_id, position),
  CONSTRAINT fk_modules_pathway FOREIGN KEY (pathway_id) REFERENCES pathways (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE sessions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  module_id BIGINT NOT NULL,
  starts_at DATETIME(3) NOT NULL,
  ends_at DATETIME(3) NOT NULL,
  decision_at DATETIME(3) NOT NULL,
  capacity INT NOT NULL,
  min_registrants INT NOT NULL,
  agency_code VARCHAR(32) NULL,
  location VARCHAR(1200) NOT NULL DEFAULT '',
  mode ENUM('onsite','online','hybrid') NOT NULL DEFAULT 'onsite',
  status ENUM('scheduled','confirmed','cancelled','completed') NOT NULL DEFAULT 'scheduled',
  cancel_reason VARCHAR(4000) NOT NULL DEFAULT '',
  -- Kept in step with registrations inside the transaction that holds the session's row lock.
  confirmed_count INT NOT NULL DEFAULT 0,
  waitlist_count INT NOT NULL DEFAULT 0,
  KEY ix_sessions_starts (starts_at, id),
  KEY ix_sessions_module (module_id, starts_at),
  KEY ix_sessions_status_decision (status, decision_at),
  CONSTRAINT fk_sessions_module FOREIGN KEY (module_id) REFERENCES modules (id),
  CONSTRAINT fk_sessions_agency FOREIGN KEY (agency_code) REFERENCES agencies (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE session_trainers (
  session_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  PRIMARY KEY (session_id, user_id),
  KEY ix_session_trainers_user (user_id),
  CONSTRAINT fk_session_trainers_session FOREIGN KEY (session_id) REFERENCES sessions (id),
  CONSTRAINT fk_session_trainers_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

CREATE TABLE registrations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  session_id BIGINT NOT NULL,
  participant_id BIGINT NOT NULL,
  status ENUM('confirmed','waitlisted','withdrawn','cancelled') NOT NULL,
  channel VARCHAR(32) NOT NULL DEFAULT 'DIRECT',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  -- 1 while the registration is active, NULL otherwise: the unique key below allows one
  -- active registration per person and session and any number of past ones.
  active TINYINT AS (CASE WHEN status IN ('confirmed','waitlisted') THEN 1 ELSE NULL END) STORED,
  UNIQUE KEY uq_registrations_active (session_id, participant_id, active),
  KEY ix_registrations_session_status (session_id, status, id),
  KEY ix_registrations_participant (participant_id, id),
  CONSTRAINT fk_registrations_session FOREIGN KEY (session_id) REFERENCES sessions (id),
  CONSTRAINT fk_registrations_participant FOREIGN KEY (participant_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL,
  actor VARCHAR(64) NOT NULL,
  action VARCHAR(64) NOT NULL,
  entity_type VARCHAR(32) NOT NULL,
  entity_id BIGINT NOT NULL,
  before_json MEDIUMTEXT NULL,
  after_json MEDIUMTEXT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  KEY ix_audit_entity (entity_type, entity_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE idempotency_keys (
  scope VARCHAR(64) NOT NULL,
  idem_key VARCHAR(200) NOT NULL,
  fingerprint CHAR(64) NOT NULL,
  completed TINYINT NOT NULL DEFAULT 0,
  status INT NOT NULL DEFAULT 0,
  content_type VARCHAR(100) NOT NULL DEFAULT '',
  location VARCHAR(500) NOT NULL DEFAULT '',
  body MEDIUMTEXT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (scope, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
