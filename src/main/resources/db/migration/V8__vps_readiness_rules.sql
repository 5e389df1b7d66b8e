-- How each product's VM logs are read (vps-marketplace.md workers write free-form logs).
-- NULL follows the configured defaults (marketplace.*); pattern lists are JSON arrays.
ALTER TABLE vps_products ADD COLUMN ready_patterns TEXT;
ALTER TABLE vps_products ADD COLUMN failure_patterns TEXT;
ALTER TABLE vps_products ADD COLUMN redact_patterns TEXT;
ALTER TABLE vps_products ADD COLUMN on_provision_timeout VARCHAR(10);
ALTER TABLE vps_products ADD CONSTRAINT vps_products_on_timeout_check
    CHECK (on_provision_timeout IN ('refund', 'keep'));
ALTER TABLE vps_products ADD COLUMN provision_timeout_seconds INTEGER;

-- requested_at: when the worker was asked for the VM, where the provisioning timeout starts.
-- log_lines: non-blank lines of the worker's log seen so far (the checklist's progress).
-- status_reason: which rule decided the current status. flagged_at: kept for an operator.
-- stop_*: the retries of a stop the worker has not confirmed yet.
ALTER TABLE vps_sessions ADD COLUMN requested_at BIGINT;
ALTER TABLE vps_sessions ADD COLUMN log_lines INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE vps_sessions ADD COLUMN status_reason VARCHAR(1000);
ALTER TABLE vps_sessions ADD COLUMN flagged_at BIGINT;
ALTER TABLE vps_sessions ADD COLUMN stop_attempts INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE vps_sessions ADD COLUMN stop_last_error VARCHAR(500);
ALTER TABLE vps_sessions ADD COLUMN stop_next_at BIGINT;
UPDATE vps_sessions SET requested_at = updated_at WHERE status = 'provisioning';
