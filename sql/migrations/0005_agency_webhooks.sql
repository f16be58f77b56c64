-- Version 5: webhooks. An agency may register URLs; every item of its change feed is POSTed
-- to each, in order, signed with HMAC-SHA256, at least once, retried with backoff for 3 days.

CREATE TABLE agency_webhooks (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agency_code VARCHAR(32) NOT NULL,
  url VARCHAR(2000) NOT NULL,
  secret VARCHAR(100) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL,
  active TINYINT NOT NULL DEFAULT 1,
  -- The last feed item delivered (2xx); the next delivery starts after it.
  delivered_seq BIGINT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  first_failure_at DATETIME(3) NULL,
  last_error VARCHAR(1000) NOT NULL DEFAULT '',
  KEY ix_agency_webhooks_due (active, next_attempt_at),
  CONSTRAINT fk_agency_webhooks_agency FOREIGN KEY (agency_code) REFERENCES agencies (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
