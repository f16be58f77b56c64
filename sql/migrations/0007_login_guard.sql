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
