-- When a provisioning VM's log last grew: a failure line decides only once the log has been
-- quiet for a while, since real workers log errors they then recover from.
ALTER TABLE vps_sessions ADD COLUMN log_changed_at BIGINT;
