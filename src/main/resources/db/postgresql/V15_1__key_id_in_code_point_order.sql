-- PostgreSQL only: the text column V15 added compares by code point, like every other (see V11_1).
ALTER TABLE document
    ALTER COLUMN key_id TYPE VARCHAR(64) COLLATE "C";
