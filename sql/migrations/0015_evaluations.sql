-- Version 15: evaluation questionnaires after trainings and events (issue 12).

-- One questionnaire per module (a one-off training or event is a module too): its questions as
-- JSON ([{id, kind: scale|text, min, max, label: {fr, de, en}}]), anonymous by default.
CREATE TABLE questionnaires (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  module_id BIGINT NOT NULL,
  anonymous TINYINT NOT NULL DEFAULT 1,
  questions_json LONGTEXT NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_questionnaires_module (module_id),
  CONSTRAINT fk_questionnaires_module FOREIGN KEY (module_id) REFERENCES modules (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Who has answered for a session: enforces one answer per person (primary key) and gives the
-- response rate. It is kept apart from the answers, which carry neither the person (unless the
-- questionnaire is not anonymous) nor a time, so the two cannot be joined back together.
CREATE TABLE evaluation_respondents (
  session_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  answered_at DATETIME(3) NOT NULL,
  PRIMARY KEY (session_id, person_id),
  KEY ix_evaluation_respondents_person (person_id),
  CONSTRAINT fk_evaluation_respondents_session FOREIGN KEY (session_id) REFERENCES sessions (id),
  CONSTRAINT fk_evaluation_respondents_person FOREIGN KEY (person_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The answers: scale values and free texts by question id, as JSON. person_id only when the
-- questionnaire is not anonymous.
CREATE TABLE evaluation_answers (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  questionnaire_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL,
  person_id BIGINT NULL,
  answers_json LONGTEXT NOT NULL,
  KEY ix_evaluation_answers_session (session_id),
  CONSTRAINT fk_evaluation_answers_questionnaire FOREIGN KEY (questionnaire_id) REFERENCES questionnaires (id),
  CONSTRAINT fk_evaluation_answers_session FOREIGN KEY (session_id) REFERENCES sessions (id),
  CONSTRAINT fk_evaluation_answers_person FOREIGN KEY (person_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
