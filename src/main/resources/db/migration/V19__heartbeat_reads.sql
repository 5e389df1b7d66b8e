-- Each node re-reads which workers have commands waiting about once a second; this keeps that
-- read to the unacknowledged rows however many acknowledged ones accumulate.
CREATE INDEX worker_commands_unacknowledged ON worker_commands (acknowledged_at, worker_id);

-- A worker's newest sample (and its samples in order) straight from the index, with the id
-- that breaks ties: no sort of the worker's whole history on either database.
DROP INDEX worker_metrics_worker_time;
CREATE INDEX worker_metrics_worker_time ON worker_metrics (worker_id, created_at, id);
