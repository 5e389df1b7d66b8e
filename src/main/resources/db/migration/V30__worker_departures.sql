-- When a worker said it was leaving (Vectis's agent on SIGTERM), until it is heard from again:
-- it is offline at once, gets no job, and a heartbeat sent before it left cannot bring it back.
ALTER TABLE workers ADD COLUMN left_at BIGINT;
