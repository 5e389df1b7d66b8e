-- Short-lived, single-use tickets that let a browser's EventSource (which cannot send headers)
-- open an event stream without putting a long-lived token in a URL. Kept in the database so a
-- ticket issued by one node is accepted by any other. Only the ticket's SHA-256 is kept, beside
-- the SHA-256 of the token that asked for it: the stream acts as that token, and a revoked or
-- expired token's tickets grant nothing.
CREATE TABLE stream_tickets (
    ticket_sha256 VARCHAR(64)  PRIMARY KEY,
    token_sha256  VARCHAR(64)  NOT NULL,
    path          VARCHAR(500) NOT NULL,
    created_at    BIGINT       NOT NULL,
    expires_at    BIGINT       NOT NULL
);
CREATE INDEX stream_tickets_expiry ON stream_tickets (expires_at);

-- The console's overview counts what finished in the last hour and what the ledger moved today.
CREATE INDEX jobs_completed_at ON jobs (completed_at);
CREATE INDEX ledger_entries_created_at ON ledger_entries (created_at);
