-- Version 7: what an anonymous caller can make the server spend, and logins that nobody can
-- lock the owner out of. The state is in the database so that several processes share it.

-- Sign-ups per client address (IPv4 address or IPv6 /64), paced by the generic cell rate
-- algorithm: one "theoretical arrival time" per address. A row whose tat has passed says no
-- more than a missing row and is purged.
CREATE TABLE signup_pace (
  address VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  tat DATETIME(3) NOT NULL,
  KEY ix_signup_pace_tat (tat)
) ENGINE=InnoDB;

-- Failed logins are throttled per (e-mail, address) with an exponential backoff and per
-- address; the e-mail is kept as its SHA-256 only, for known and unknown e-mails alike, so the
-- throttle behaves the same whether the account exists or not. The per-account lock (which
-- anyone could trigger to lock the owner out, and which told who has an account) is gone.
ALTER TABLE login_failures
  ADD COLUMN email_hash CHAR(64) CHARACTER SET ascii NULL AFTER address,
  ADD KEY ix_login_failures_email (email_hash, at),
  ADD KEY ix_login_failures_at (at);
ALTER TABLE users
  DROP COLUMN failed_logins,
  DROP COLUMN locked_until;

CREATE TABLE login_backoff (
  email_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  address VARCHAR(64) CHARACTER SET ascii NOT NULL,
  failures INT NOT NULL,
  last_failure_at DATETIME(3) NOT NULL,
  blocked_until DATETIME(3) NULL,
  PRIMARY KEY (email_hash, address),
  KEY ix_login_backoff_last_failure (last_failure_at)
) ENGINE=InnoDB;

-- Addresses an account has logged in from, each as SHA-256 of the account id and the address,
-- so that a correct password from one of them is never held back.
CREATE TABLE login_known_addresses (
  user_id BIGINT NOT NULL,
  address_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  last_login_at DATETIME(3) NOT NULL,
  PRIMARY KEY (user_id, address_hash),
  KEY ix_login_known_addresses_last (last_login_at),
  CONSTRAINT fk_login_known_addresses_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

-- E-mailed one-time links that confirm a login from a new address while the account is under
-- attack; stored as the SHA-256 of the token, valid 30 minutes, used once.
CREATE TABLE login_unlock_tokens (
  token_hash CHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL,
  address_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  used_at DATETIME(3) NULL,
  KEY ix_login_unlock_tokens_user (user_id, created_at),
  KEY ix_login_unlock_tokens_expires (expires_at),
  CONSTRAINT fk_login_unlock_tokens_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

-- Expired tokens are purged by expiry.
ALTER TABLE auth_tokens ADD KEY ix_auth_tokens_expires (expires_at);
ALTER TABLE password_resets ADD KEY ix_password_resets_expires (expires_at);
