-- The operator's say over a worker, whatever contract registered it: active (takes work),
-- draining (takes no new work, and is drained once nothing runs on it), drained, maintenance
-- and disabled. The marketplace's active/disabled were the first words of it.
ALTER TABLE workers DROP CONSTRAINT workers_status_check;
ALTER TABLE workers ADD CONSTRAINT workers_status_check
    CHECK (status IN ('active', 'draining', 'drained', 'maintenance', 'disabled'));
-- The fleet view pages by last heard from; the liveness sweep looks for draining workers.
CREATE INDEX workers_seen_id ON workers (last_seen_at, id);
CREATE INDEX workers_status ON workers (status);
