-- fleet-registration.md: workers enrolled by address, each with an HMAC secret (sealed with
-- data_dir/secrets.key) and a unique subdomain. One worker per IP, enforced here so two
-- nodes enrolling the same machine at once cannot both succeed.
ALTER TABLE workers ADD COLUMN ip VARCHAR(45);
ALTER TABLE workers ADD COLUMN subdomain VARCHAR(100);
ALTER TABLE workers ADD COLUMN secret_sealed TEXT;
ALTER TABLE workers ADD COLUMN status VARCHAR(20) DEFAULT 'active' NOT NULL;
ALTER TABLE workers ADD CONSTRAINT workers_status_check CHECK (status IN ('active', 'disabled'));
CREATE UNIQUE INDEX workers_ip ON workers (ip);
CREATE UNIQUE INDEX workers_subdomain ON workers (subdomain);
