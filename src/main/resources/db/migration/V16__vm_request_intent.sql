-- A VM is requested from a worker only after the intent is committed (create_sent_at), with
-- the session's id as the request's Idempotency-Key. A session whose request's outcome is not
-- known (the node died, or the answer ran out of time) is "in doubt" from doubt_since: it keeps
-- its slot until Vectis learns from the worker whether the VM exists, or an operator decides.
ALTER TABLE vps_sessions ADD COLUMN create_sent_at BIGINT;
ALTER TABLE vps_sessions ADD COLUMN doubt_since BIGINT;
-- Sessions left pending by an older version may have been requested: treat them as such.
UPDATE vps_sessions SET create_sent_at = updated_at WHERE status = 'pending';
