-- Version 22: events as they are held (issue 12, item 5). What the catalogue says about a
-- session beyond its dates: the language it is held in, who it is for, its objectives, the
-- trainers' organisation and the co-organisers; and the replay of an online event, for its
-- confirmed registrants, with the number of times it was opened (staff see it).
ALTER TABLE sessions
  ADD COLUMN language VARCHAR(8) CHARACTER SET ascii NOT NULL DEFAULT 'fr',
  -- TEXT (kept off the row): the sessions row is near InnoDB's 65,535-byte limit already.
  ADD COLUMN audience TEXT NOT NULL DEFAULT '',
  ADD COLUMN objectives TEXT NOT NULL DEFAULT '',
  ADD COLUMN trainers_organisation TEXT NOT NULL DEFAULT '',
  ADD COLUMN co_organisers TEXT NOT NULL DEFAULT '',
  ADD COLUMN replay_link TEXT NOT NULL DEFAULT '',
  ADD COLUMN replay_views BIGINT NOT NULL DEFAULT 0,
  ADD KEY ix_sessions_language (language, starts_at);

-- Sessions held over several dated parts (two days a month apart): each part's dates and the
-- hours it counts for. The parts share their session's registration.
CREATE TABLE session_parts (
  session_id BIGINT NOT NULL,
  position INT NOT NULL,
  starts_at DATETIME(3) NOT NULL,
  ends_at DATETIME(3) NOT NULL,
  hours DECIMAL(7,2) NOT NULL,
  PRIMARY KEY (session_id, position),
  CONSTRAINT fk_session_parts_session FOREIGN KEY (session_id) REFERENCES sessions (id)
) ENGINE=InnoDB;

-- Attendance per part; the session's own mark (attendance) is made from these.
CREATE TABLE attendance_parts (
  session_id BIGINT NOT NULL,
  participant_id BIGINT NOT NULL,
  position INT NOT NULL,
  present TINYINT(1) NOT NULL,
  marked_by BIGINT NOT NULL,
  marked_at DATETIME(3) NOT NULL,
  PRIMARY KEY (session_id, participant_id, position),
  CONSTRAINT fk_attendance_parts_part FOREIGN KEY (session_id, position) REFERENCES session_parts (session_id, position),
  CONSTRAINT fk_attendance_parts_participant FOREIGN KEY (participant_id) REFERENCES users (id)
) ENGINE=InnoDB;

-- Series of sessions made from a rule (monthly workshops): each date is a session of its own,
-- edited on its own; the series records the rule it was made from.
CREATE TABLE session_series (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  module_id BIGINT NOT NULL,
  rule_json VARCHAR(1000) NOT NULL,
  created_by BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  -- No key to users: an erased coordinator's row may go (the audit trail names the creator).
  CONSTRAINT fk_session_series_module FOREIGN KEY (module_id) REFERENCES modules (id)
) ENGINE=InnoDB;

ALTER TABLE sessions
  ADD COLUMN series_id BIGINT NULL,
  ADD CONSTRAINT fk_sessions_series FOREIGN KEY (series_id) REFERENCES session_series (id);
