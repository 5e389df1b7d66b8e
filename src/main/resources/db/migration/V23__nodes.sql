-- The Vectis nodes sharing this database. Each node writes its own row every few seconds and
-- removes it when it stops; a row left unrefreshed belongs to a node that died, and whichever
-- node notices removes it. `loops` names the run-once loops the node holds, comma-separated.
CREATE TABLE nodes (
    id            VARCHAR(64)  PRIMARY KEY,
    address       VARCHAR(300) NOT NULL,
    version       VARCHAR(64)  NOT NULL,
    started_at    BIGINT       NOT NULL,
    last_seen_at  BIGINT       NOT NULL,
    loops         VARCHAR(500) NOT NULL DEFAULT ''
);
