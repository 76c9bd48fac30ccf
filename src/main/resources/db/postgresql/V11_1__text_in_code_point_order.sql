-- PostgreSQL only (DataSources adds this location for PostgreSQL): every text column compares, sorts, matches
-- patterns and maps case in collation "C", by code point, whatever collation the database was created with (most
-- are en_US.UTF-8). H2 compares by code point by itself; the query translation gives literals the same collation
-- (Dialect), so that no comparison falls back to the database's default. Indexes on these columns are rebuilt in
-- collation C, which is also what lets a b-tree serve startswith (LIKE 'x%').
-- A text column added by a later migration needs the same on PostgreSQL: the service checks at start-up that every
-- text column of its tables is in collation C and refuses to start otherwise, naming the column.
ALTER TABLE patient
    ALTER COLUMN id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN first_name TYPE VARCHAR(200) COLLATE "C",
    ALTER COLUMN last_name TYPE VARCHAR(200) COLLATE "C";

ALTER TABLE document
    ALTER COLUMN id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN patient_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN file_name TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN content_type TYPE VARCHAR(100) COLLATE "C",
    ALTER COLUMN document_type TYPE VARCHAR(100) COLLATE "C",
    ALTER COLUMN description TYPE VARCHAR(2000) COLLATE "C",
    ALTER COLUMN uploaded_by_id TYPE VARCHAR(255) COLLATE "C",
    ALTER COLUMN content_sha256 TYPE VARCHAR(64) COLLATE "C";

ALTER TABLE document_chunk
    ALTER COLUMN document_id TYPE VARCHAR(64) COLLATE "C";
