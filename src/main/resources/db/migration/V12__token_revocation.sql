-- Revoking every token of an account bumps its generation: login JWTs carry the generation
-- they were issued under and stop working once it moves on. One JWT (a logout) is revoked by
-- its id until it would have expired anyway.
ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE providers ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;

CREATE TABLE revoked_tokens (
    jti         VARCHAR(64) PRIMARY KEY,
    expires_at  BIGINT      NOT NULL
);
CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);
