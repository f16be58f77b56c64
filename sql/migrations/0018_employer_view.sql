-- Version 18: the employer's view (issue 12). A structure's contact people, named by the
-- coordinator, see the registrations, progress and attestations of the structure's current
-- staff who agreed to share them with that structure. Withdrawing deletes the row; the audit
-- trail keeps who granted, gave or withdrew what and when.
CREATE TABLE structure_contacts (
  structure_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  granted_at DATETIME(3) NOT NULL,
  PRIMARY KEY (structure_id, user_id),
  KEY ix_structure_contacts_user (user_id),
  CONSTRAINT fk_structure_contacts_structure FOREIGN KEY (structure_id) REFERENCES structures (id),
  CONSTRAINT fk_structure_contacts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- A person's consent to show their record to the contacts of one structure; it counts only
-- while the person is a member of that structure.
CREATE TABLE staff_sharing (
  user_id BIGINT NOT NULL,
  structure_id BIGINT NOT NULL,
  given_at DATETIME(3) NOT NULL,
  PRIMARY KEY (user_id, structure_id),
  KEY ix_staff_sharing_structure (structure_id),
  CONSTRAINT fk_staff_sharing_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_staff_sharing_structure FOREIGN KEY (structure_id) REFERENCES structures (id)
) ENGINE=InnoDB;
