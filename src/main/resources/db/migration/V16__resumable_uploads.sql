-- Resumable uploads (tus 1.0 at /uploads): one row per upload, with what its creation named and how far it has come.
-- document_id is set in the transaction that creates the document from it (a client that lost that answer learns
-- where the document is); the row goes by termination, or by the orphan sweep once expires_at (epoch milliseconds)
-- has passed. Its bytes are held in the instance's spool on H2, and
-- in upload_part (db/postgresql) on PostgreSQL, where every instance can continue the upload.
-- Portable SQL: runs unchanged on H2 and PostgreSQL.
CREATE TABLE resumable_upload (
    id             VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant_id      VARCHAR(64)   NOT NULL,
    subject        VARCHAR(255)  NOT NULL,
    patient_id     VARCHAR(64)   NOT NULL,
    file_name      VARCHAR(255),
    content_type   VARCHAR(255),
    document_type  VARCHAR(100),
    description    VARCHAR(2000),
    upload_length  BIGINT        NOT NULL,
    upload_offset  BIGINT        NOT NULL,
    expires_at     BIGINT        NOT NULL,
    document_id    VARCHAR(64),
    -- the SHA-256 (hex) the creation's Repr-Digest gave for the whole file, checked once the last byte is there
    repr_sha256    VARCHAR(64)
);

-- What the sweep looks for.
CREATE INDEX resumable_upload_expires_at ON resumable_upload (expires_at);
