-- Secrets that belong to the installation rather than to one node, so every node that
-- shares the database agrees on them. Only hashes are kept, never the secrets themselves.
CREATE TABLE server_secrets (
    name       VARCHAR(64)  PRIMARY KEY,
    hash       VARCHAR(512) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
