-- Version 9 (review issue 8): one active registration per person and module, enforced by a
-- unique key; what an agency sent with each enrolment; cancellation reasons as codes with
-- parameters (worded in the reader's language when shown).

-- A registration's module, copied from its session when it is written (a session's module
-- never changes), so that the rule below is one unique key.
ALTER TABLE registrations
  ADD COLUMN module_id BIGINT NULL AFTER session_id,
  -- 1: the coordinator registered this person although they hold another place in the module.
  ADD COLUMN module_override TINYINT NOT NULL DEFAULT 0;
UPDATE registrations r JOIN sessions s ON s.id = r.session_id SET r.module_id = s.module_id;
-- Registrations made before this rule that break it are kept, marked as overrides.
UPDATE registrations r
  JOIN (SELECT participant_id, module_id, MIN(id) AS kept FROM registrations
        WHERE status IN ('confirmed', 'waitlisted') GROUP BY participant_id, module_id
        HAVING COUNT(*) > 1) d ON d.participant_id = r.participant_id AND d.module_id = r.module_id
  SET r.module_override = 1
  WHERE r.status IN ('confirmed', 'waitlisted') AND r.id <> d.kept;
ALTER TABLE registrations MODIFY module_id BIGINT NOT NULL;
-- The module while the registration is active and not an override, NULL otherwise: the unique
-- key allows one such registration per person and module, and any number of past ones.
ALTER TABLE registrations
  ADD COLUMN active_module BIGINT AS (CASE WHEN status IN ('confirmed', 'waitlisted') AND module_override = 0
                                      THEN module_id ELSE NULL END) STORED,
  ADD UNIQUE KEY uq_registrations_module_active (participant_id, active_module);

-- What the agency sent with its enrolment: the agency sees these, never the account's own
-- profile (the person may have an account it did not create).
ALTER TABLE agency_enrolments
  ADD COLUMN email VARCHAR(254) NOT NULL DEFAULT '',
  ADD COLUMN name VARCHAR(800) NOT NULL DEFAULT '',
  ADD COLUMN organisation VARCHAR(800) NOT NULL DEFAULT '';

-- Why a session was cancelled: below_threshold {confirmed, minimum} or by_coordinator {text}.
-- cancel_reason keeps the coordinator's own words.
ALTER TABLE sessions
  ADD COLUMN cancel_reason_code VARCHAR(32) NULL,
  ADD COLUMN cancel_reason_params TEXT NULL;
UPDATE sessions SET cancel_reason_code = 'below_threshold',
  cancel_reason_params = JSON_OBJECT('minimum', min_registrants), cancel_reason = ''
  WHERE status = 'cancelled' AND cancelled_by_threshold = 1;
UPDATE sessions SET cancel_reason_code = 'by_coordinator', cancel_reason_params = JSON_OBJECT('text', cancel_reason)
  WHERE status = 'cancelled' AND cancelled_by_threshold = 0;
