-- A queue that has finished :n jobs (hist-1…, over the last hour) and has just worked off a
-- backlog of :n / 50 more: the planner's statistics were taken while that backlog was pending
-- (2 % of the rows), as autovacuum may take them on a busy queue, and the backlog's status
-- changes left the dead index entries a queue's updates leave. Nothing is pending afterwards.
INSERT INTO jobs (id, command, file_url, filename, status, attempt, max_attempts, timeout_seconds, stdout, stderr,
                  exit_code, created_at, started_at, deadline_at, completed_at)
SELECT 'hist-' || g, 'echo history', 'https://bench.invalid/job.zip', 'job.sh', 'completed', 1, 1, 3600, 'ok', '',
       0, t0 + g * 3, t0 + g * 3 + 1, t0 + g * 3 + 3600001, t0 + g * 3 + 2
FROM generate_series(1, :n) AS g,
     LATERAL (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint - 3600000 AS t0) AS t;
INSERT INTO jobs (id, command, file_url, filename, status, max_attempts, timeout_seconds, created_at)
SELECT 'hist-' || (:n + g), 'echo history', 'https://bench.invalid/job.zip', 'job.sh', 'pending', 1, 3600,
       (extract(epoch FROM clock_timestamp()) * 1000)::bigint
FROM generate_series(1, :n / 50) AS g;
ANALYZE jobs;
UPDATE jobs SET status = 'completed', attempt = 1, exit_code = 0, stdout = 'ok', started_at = created_at + 1,
                completed_at = created_at + 2
WHERE status = 'pending' AND id LIKE 'hist-%';
VACUUM jobs;
