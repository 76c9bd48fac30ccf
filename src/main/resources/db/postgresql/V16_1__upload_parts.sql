-- PostgreSQL only: the bytes of unfinished resumable uploads (resumable_upload), in pieces of at most 1 MiB keyed by
-- the offset each starts at, so that any instance on this database can continue an upload another began. A piece is
-- written in the transaction that moves its upload's offset past it, and goes with the upload.
CREATE TABLE upload_part (
    upload_id    VARCHAR(64) NOT NULL REFERENCES resumable_upload (id) ON DELETE CASCADE,
    start_offset BIGINT      NOT NULL,
    data         BYTEA       NOT NULL,
    PRIMARY KEY (upload_id, start_offset)
);
