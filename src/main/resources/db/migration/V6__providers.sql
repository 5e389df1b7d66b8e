-- provider-registry.md: compute providers register, wait for an operator's approval and
-- sign in with an API key. Column widths leave room for the validated limits counted in
-- characters (name 100, organization 200) whatever the script.
CREATE TABLE providers (
    id                 VARCHAR(36)   PRIMARY KEY,
    name               VARCHAR(400)  NOT NULL,
    email              VARCHAR(1024) NOT NULL,
    -- Written as LOWER(email) by the database itself, so uniqueness ignores case on both engines.
    email_lower        VARCHAR(1024) NOT NULL,
    organization       VARCHAR(800),
    public_key         TEXT          NOT NULL,
    endpoints          TEXT          NOT NULL,
    metadata           TEXT,
    status             VARCHAR(20)   NOT NULL,
    status_reason      VARCHAR(1000),
    -- The API key: a clear look-up part (a fraction of the random bytes, useless alone) and a bcrypt hash.
    key_lookup         VARCHAR(32)   NOT NULL,
    key_hash           VARCHAR(100)  NOT NULL,
    key_created_at     BIGINT        NOT NULL,
    terms_accepted_at  BIGINT        NOT NULL,
    created_at         BIGINT        NOT NULL,
    updated_at         BIGINT        NOT NULL,
    CONSTRAINT providers_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'suspended')),
    CONSTRAINT providers_email_lower_check CHECK (email_lower = LOWER(email))
);
CREATE UNIQUE INDEX providers_email_lower ON providers (email_lower);
CREATE UNIQUE INDEX providers_key_lookup ON providers (key_lookup);
CREATE INDEX providers_created ON providers (created_at, id);
CREATE INDEX providers_status_created ON providers (status, created_at, id);
