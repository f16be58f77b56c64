-- Version 4: global attestations. The signed PDF is rendered once at issuance and kept with
-- its SHA-256; holder name, pathway title and hours are copied so that an attestation stays
-- verifiable after the person's contact data is erased.

CREATE TABLE attestations (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  participant_id BIGINT NOT NULL,
  pathway_id BIGINT NOT NULL,
  verification_code CHAR(19) CHARACTER SET ascii NOT NULL,
  issued_at DATETIME(3) NOT NULL,
  holder_name VARCHAR(800) NOT NULL,
  pathway_title VARCHAR(1200) NOT NULL,
  total_hours DECIMAL(7,2) NOT NULL,
  language CHAR(2) NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  pdf_base64 LONGTEXT CHARACTER SET ascii NOT NULL,
  revoked_at DATETIME(3) NULL,
  revoke_reason VARCHAR(4000) NOT NULL DEFAULT '',
  -- 1 while valid: at most one valid attestation per person and pathway.
  active TINYINT AS (CASE WHEN revoked_at IS NULL THEN 1 ELSE NULL END) STORED,
  UNIQUE KEY uq_attestations_code (verification_code),
  UNIQUE KEY uq_attestations_active (participant_id, pathway_id, active),
  KEY ix_attestations_sha256 (sha256),
  KEY ix_attestations_issued (issued_at),
  CONSTRAINT fk_attestations_participant FOREIGN KEY (participant_id) REFERENCES users (id),
  CONSTRAINT fk_attestations_pathway FOREIGN KEY (pathway_id) REFERENCES pathways (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
