-- When the worker last reported its status, so a buffered heartbeat written later cannot
-- undo a newer report (a worker_stopping event, say).
ALTER TABLE workers ADD COLUMN reported_status_at BIGINT;
