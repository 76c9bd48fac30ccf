-- PostgreSQL only. The text columns V16 added compare by code point, like every other (see V11_1).
ALTER TABLE resumable_upload
    ALTER COLUMN id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN tenant_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN subject TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN patient_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN file_name TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN content_type TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN document_type TYPE VARCHAR(100) COLLATE "C",
    ALTER COLUMN description TYPE VARCHAR(2000) COLLATE "C",
    ALTER COLUMN document_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN repr_sha256 TYPE VARCHAR(64) COLLATE "C";

-- The bytes of unfinished resumable uploads (resumable_upload), in pieces of at most 1 MiB keyed by the offset each
-- starts at, so that any instance on this database can continue an upload another began. A piece is written in the
-- transaction that moves its upload's offset past it, and goes with the upload.
CREATE TABLE upload_part (
    upload_id    VARCHAR(64) COLLATE "C" NOT NULL REFERENCES resumable_upload (id) ON DELETE CASCADE,
    start_offset BIGINT      NOT NULL,
    data         BYTEA       NOT NULL,
    PRIMARY KEY (upload_id, start_offset)
);
