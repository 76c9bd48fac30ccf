-- Document bytes in the database (documents.store=database): each document's content in fixed-size chunks,
-- numbered from 0. Chunks are written in the transaction that inserts the document row and go with it.
-- Portable SQL: BYTEA is PostgreSQL's binary type and an H2 alias of BINARY VARYING.
CREATE TABLE document_chunk (
    document_id VARCHAR(64) NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    seq         INTEGER     NOT NULL,
    data        BYTEA       NOT NULL,
    PRIMARY KEY (document_id, seq)
);
