-- Version 12: people's rights over their data (GDPR articles 15, 16, 17, 20) and an audit
-- trail that can be read by person and by session. Existing rows are kept.

-- An erased person's row stays, because records refer to it (registrations, attendance,
-- attestations: the yearly counts and the waiting lists stay exact), but holds nothing about
-- them: e-mail 'erased:<id>' (never an address), no name, organisation, password or role.
-- last_login_at says when the person last signed in; with their registrations, attendance
-- and attestations it tells the retention pass who has had no activity.
ALTER TABLE users
  ADD COLUMN erased_at DATETIME(3) NULL,
  ADD COLUMN last_login_at DATETIME(3) NULL;
UPDATE users u SET last_login_at = (SELECT MAX(t.created_at) FROM auth_tokens t WHERE t.user_id = u.id);
CREATE INDEX ix_users_roles_erased ON users (roles, erased_at);

-- The foreign keys on users were all RESTRICT: a person could never be removed. Rows that
-- only hold a person's secrets or messages now go with the person's row (ON DELETE CASCADE);
-- records (registrations, attendance, attestations, trainer assignments) still restrict it,
-- since an erasure keeps them under the pseudonymous row. Dropping and re-adding a foreign key
-- changes no row.
ALTER TABLE auth_tokens DROP FOREIGN KEY fk_auth_tokens_user;
ALTER TABLE auth_tokens ADD CONSTRAINT fk_auth_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE password_resets DROP FOREIGN KEY fk_password_resets_user;
ALTER TABLE password_resets ADD CONSTRAINT fk_password_resets_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE notifications DROP FOREIGN KEY fk_notifications_user;
ALTER TABLE notifications ADD CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE login_known_addresses DROP FOREIGN KEY fk_login_known_addresses_user;
ALTER TABLE login_known_addresses ADD CONSTRAINT fk_login_known_addresses_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE login_unlock_tokens DROP FOREIGN KEY fk_login_unlock_tokens_user;
ALTER TABLE login_unlock_tokens ADD CONSTRAINT fk_login_unlock_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;

-- Each audit row names the person and the session it concerns (when it concerns one), so the
-- coordinator can filter the trail, and a person's export and erasure find their rows.
ALTER TABLE audit_log
  ADD COLUMN person_id BIGINT NULL,
  ADD COLUMN session_id BIGINT NULL,
  ADD KEY ix_audit_person (person_id, id),
  ADD KEY ix_audit_session (session_id, id),
  ADD KEY ix_audit_actor (actor, id),
  ADD KEY ix_audit_action (action, id),
  ADD KEY ix_audit_at (at);
UPDATE audit_log SET person_id = entity_id WHERE entity_type = 'user';
UPDATE audit_log SET person_id = CAST(COALESCE(JSON_VALUE(after_json, '$.participant_id'),
                                               JSON_VALUE(before_json, '$.participant_id')) AS SIGNED)
  WHERE entity_type IN ('registration', 'attendance', 'attestation');
UPDATE audit_log SET session_id = entity_id WHERE entity_type IN ('session', 'attendance');
UPDATE audit_log SET session_id = CAST(COALESCE(JSON_VALUE(after_json, '$.session_id'),
                                                JSON_VALUE(before_json, '$.session_id')) AS SIGNED)
  WHERE entity_type = 'registration';

-- Delivered notifications are purged after the retention period (by created_at).
CREATE INDEX ix_notifications_created ON notifications (status, created_at);
