-- Version 14: the structures professionals come from (schools, foyers, associations,
-- services), their sector, and each person's memberships over time with their profession.

-- A structure's name is unique, case and accents aside (the column's collation compares it),
-- so that an agency's push, an import and the coordinator name the same structure once.
CREATE TABLE structures (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci NOT NULL,
  kind VARCHAR(100) NOT NULL DEFAULT '',
  sector ENUM('formal_education', 'non_formal_education', 'health', 'social', 'other') NOT NULL,
  created_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_structures_name (name),
  KEY ix_structures_sector (sector, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A person's time in a structure (Luxembourg calendar dates; no end: still there). The rows go
-- with the person's row; an erasure deletes them (they say where the person works).
CREATE TABLE memberships (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  structure_id BIGINT NOT NULL,
  profession VARCHAR(200) NOT NULL DEFAULT '',
  starts_on DATE NOT NULL,
  ends_on DATE NULL,
  created_at DATETIME(3) NOT NULL,
  KEY ix_memberships_user (user_id, starts_on),
  KEY ix_memberships_structure (structure_id),
  CONSTRAINT fk_memberships_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_memberships_structure FOREIGN KEY (structure_id) REFERENCES structures (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
