-- Indexes for the query shapes clients send most, each ending in the key so that keyset pages
-- (WHERE (k, id) > (?, ?) ORDER BY k, id) are index range scans. Portable SQL: runs unchanged on H2 and PostgreSQL.
-- Nullable sort columns are indexed NULLS FIRST, the order OData asks for ascending.

-- A patient's documents in the default order (the key), and the partitions of $expand=Documents.
CREATE INDEX document_patient_id ON document (patient_id, id);

-- A patient's documents of one type, or ordered by type; replaces the index without the key.
DROP INDEX document_patient_type;
CREATE INDEX document_patient_type ON document (patient_id, document_type NULLS FIRST, id);

-- All documents by upload time (newest or oldest first) and by type.
CREATE INDEX document_uploaded ON document (uploaded_at, id);
CREATE INDEX document_type ON document (document_type NULLS FIRST, id);

-- Patients by name.
CREATE INDEX patient_last_name ON patient (last_name NULLS FIRST, id);
