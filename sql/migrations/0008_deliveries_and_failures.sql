-- Version 8: background work that fails or waits on the network no longer holds the rest up.

-- A scheduler step (decision, completion, reminder) that failed on a session: the session is
-- left out of that step's claims until next_attempt_at (exponential backoff), so one broken
-- session never stalls a pass nor comes first in every pass; coordinators read the list at
-- GET /api/v1/operations/failures. The row goes when the step succeeds.
CREATE TABLE scheduler_failures (
  session_id BIGINT NOT NULL,
  step VARCHAR(16) CHARACTER SET ascii NOT NULL,
  failures INT NOT NULL,
  last_error VARCHAR(1000) NOT NULL,
  first_failed_at DATETIME(3) NOT NULL,
  last_failed_at DATETIME(3) NOT NULL,
  next_attempt_at DATETIME(3) NOT NULL,
  PRIMARY KEY (session_id, step),
  CONSTRAINT fk_scheduler_failures_session FOREIGN KEY (session_id) REFERENCES sessions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Deliveries are claimed with a lease: a short transaction gives due rows a claim token and
-- claimed_until and commits; the SMTP or HTTP call runs with no database connection held; a
-- second short transaction records the outcome only if the token still holds. A dispatcher
-- that dies after its claim gives the rows back when claimed_until passes (at least once).
ALTER TABLE notifications
  ADD COLUMN claim_token VARCHAR(64) CHARACTER SET ascii NULL,
  ADD COLUMN claimed_until DATETIME(3) NULL;

ALTER TABLE agency_webhooks
  ADD COLUMN claim_token VARCHAR(64) CHARACTER SET ascii NULL,
  ADD COLUMN claimed_until DATETIME(3) NULL;
