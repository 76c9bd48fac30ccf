-- PostgreSQL only: the text columns V12 added or made anew compare by code point, like every other (see V11_1).
ALTER TABLE patient
    ALTER COLUMN tenant_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN first_name TYPE VARCHAR(200) COLLATE "C",
    ALTER COLUMN last_name TYPE VARCHAR(200) COLLATE "C";

ALTER TABLE document
    ALTER COLUMN tenant_id TYPE VARCHAR(64) COLLATE "C";
