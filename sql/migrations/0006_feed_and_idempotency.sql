-- Version 6: an agency change feed without a hot row, and Idempotency-Keys that are hashed,
-- fenced and never keep a secret.

-- The feed: an enrolment appends its item with no sequence number (it no longer locks the
-- agency row, which serialised every push of an agency); SequencePending numbers committed
-- items later, in arrival order, under the agency row's lock. Readers see numbered items only.
ALTER TABLE agency_changes
  DROP PRIMARY KEY,
  ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST,
  MODIFY seq BIGINT NULL,
  ADD UNIQUE KEY uq_agency_changes_seq (agency_code, seq);

-- Idempotency-Keys: stored as their SHA-256 (a key is any visible ASCII text a client chose);
-- claim_token fences a run that lost its claim; committed_at says the work committed;
-- withheld marks an answer that carried a secret and was therefore not stored.
ALTER TABLE idempotency_keys
  ADD COLUMN key_hash CHAR(64) CHARACTER SET ascii NULL AFTER scope,
  ADD COLUMN claim_token VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
  ADD COLUMN committed_at DATETIME(3) NULL,
  ADD COLUMN withheld TINYINT NOT NULL DEFAULT 0;
UPDATE idempotency_keys SET key_hash = SHA2(idem_key, 256);
-- Answers stored before this version may hold a bearer token, an agency key or a webhook
-- secret: drop their bodies.
UPDATE idempotency_keys SET body = NULL, withheld = 1
  WHERE body LIKE '%"token"%' OR body LIKE '%"key"%' OR body LIKE '%"secret"%';
ALTER TABLE idempotency_keys
  DROP PRIMARY KEY,
  DROP COLUMN idem_key,
  MODIFY key_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  ADD PRIMARY KEY (scope, key_hash),
  ADD KEY ix_idempotency_keys_created (created_at);
