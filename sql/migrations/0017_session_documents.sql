-- Version 17: documents attached to sessions (handouts, the written synthesis), kept in the
-- database so that every server sees them (issue 12).
CREATE TABLE session_documents (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  session_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  title VARCHAR(200) NOT NULL,
  filename VARCHAR(200) NOT NULL,
  content_type VARCHAR(100) NOT NULL,
  size BIGINT NOT NULL,
  sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  uploaded_by BIGINT NOT NULL,
  uploaded_at DATETIME(3) NOT NULL,
  KEY ix_session_documents_session (session_id, id),
  CONSTRAINT fk_session_documents_session FOREIGN KEY (session_id) REFERENCES sessions (id),
  CONSTRAINT fk_session_documents_user FOREIGN KEY (uploaded_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The bytes, in pieces of at most 1 MiB (base64): a 20 MB file never needs a packet larger
-- than the server's max_allowed_packet.
CREATE TABLE session_document_chunks (
  document_id BIGINT NOT NULL,
  seq INT NOT NULL,
  data_base64 LONGTEXT CHARACTER SET ascii NOT NULL,
  PRIMARY KEY (document_id, seq),
  CONSTRAINT fk_session_document_chunks_document FOREIGN KEY (document_id) REFERENCES session_documents (id)
    ON DELETE CASCADE
) ENGINE=InnoDB;
