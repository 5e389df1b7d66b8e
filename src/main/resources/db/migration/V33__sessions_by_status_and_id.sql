-- The marketplace round pages through the sessions in a status by id (SessionStore.withStatus):
-- with this index a page reads its own rows, not every session in the status and a sort.
CREATE INDEX vps_sessions_status_id ON vps_sessions (status, id);
