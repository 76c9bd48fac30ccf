-- Documents by file name: startswith(file_name, ...) and $orderby=file_name. Both stores compare text by code point
-- (PostgreSQL databases have collation C, checked at start-up), so a plain b-tree serves prefix LIKE on both.
-- Ends in the key, like the other indexes, so that keyset pages over file_name are range scans.
CREATE INDEX document_file_name ON document (file_name, id);
