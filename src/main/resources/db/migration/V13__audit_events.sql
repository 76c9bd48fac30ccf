-- The audit trail (HIPAA 45 CFR 164.312(b)): one row per request, or operation of a $batch, that read, changed or was
-- refused PHI, with the ids of the patients and documents it concerned as lists in the row. One row per request
-- rather than per entity: a page of 1,000 documents costs one insert, not a thousand, and the lists are filtered with
-- document_ids/any(d: d eq '…'). Rows are only ever inserted; the service has no statement that changes or deletes
-- them (on PostgreSQL a trigger refuses it, db/postgresql/V13_1).
-- Each tenant's events form a chain: id numbers them from 1 without gaps, and chain is the SHA-256 of the previous
-- event's chain and this event's values (storage.AuditChain), so that a changed or removed row is detectable
-- (java -jar … audit-verify). The position of the next event is taken under a row lock of the tenant's audit_chain
-- row, which also holds the chain value of the tenant's last event: every instance appends through it, in one order.
-- Portable SQL: runs unchanged on H2 and PostgreSQL (db/postgresql/V13_1 gives the text columns collation "C").
CREATE TABLE audit_event (
    tenant_id      VARCHAR(64)    NOT NULL,
    id             BIGINT         NOT NULL,
    at             TIMESTAMP WITH TIME ZONE NOT NULL,
    subject        VARCHAR        NOT NULL,
    api_key_id     VARCHAR(64)    NOT NULL,
    action         VARCHAR(16)    NOT NULL,
    resource       VARCHAR        NOT NULL,
    query          VARCHAR,
    patient_ids    VARCHAR ARRAY[65536],
    document_ids   VARCHAR ARRAY[65536],
    entity_count   BIGINT,
    status         INTEGER        NOT NULL,
    request_id     VARCHAR(64)    NOT NULL,
    client_address VARCHAR(64),
    chain          VARCHAR(64)    NOT NULL,
    CONSTRAINT audit_event_pk PRIMARY KEY (tenant_id, id)
);

-- A tenant's events by time ($orderby=at desc, at ranges), ending in the key for keyset pages.
CREATE INDEX audit_event_at ON audit_event (tenant_id, at, id);

CREATE TABLE audit_chain (
    tenant_id VARCHAR(64) NOT NULL PRIMARY KEY,
    id        BIGINT      NOT NULL,
    chain     VARCHAR(64) NOT NULL
);
