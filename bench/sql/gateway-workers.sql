-- :n chat-session (gateway) workers gw-000000…, registered and online as if each had just
-- heartbeated; endpoints are loopback addresses nothing is asked to call.
INSERT INTO workers (id, enrolled_via, endpoint, max_sessions, reported_status, reported_status_at, version,
                     environment, online, last_seen_at, created_at, updated_at)
SELECT 'gw-' || lpad(g::text, 6, '0'), 'gateway', 'http://127.0.0.1:9/gw-' || g, 50, 'ONLINE', now_ms, 'bench',
       'PRODUCTION', TRUE, now_ms, now_ms, now_ms
FROM generate_series(0, :n - 1) AS g,
     LATERAL (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms) AS t;
ANALYZE workers;
