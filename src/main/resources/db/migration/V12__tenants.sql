-- Tenants: every patient belongs to exactly one tenant (a customer organisation), and patient ids are unique within a
-- tenant only, so that two clinics may both have patient 12345. A document carries its patient's tenant; document ids
-- stay random and unique across all tenants. The rows written before tenants existed belong to the tenant "default".
-- Every statement the service runs names the caller's tenant, so every index leads with it.
-- Portable SQL: runs unchanged on H2 and PostgreSQL (db/postgresql/V12_1 gives the new text columns collation "C").

-- The patient table is made anew with the key (tenant_id, id). Changing the primary key in place would need the
-- names of the old key and of the documents' foreign key on it, which H2 and PostgreSQL choose differently; dropping
-- the renamed table drops both.
ALTER TABLE patient RENAME TO patient_before_tenants;

CREATE TABLE patient (
    tenant_id   VARCHAR(64)  NOT NULL,
    id          VARCHAR(64)  NOT NULL,
    first_name  VARCHAR(200),
    last_name   VARCHAR(200),
    birth_date  DATE,
    version     BIGINT       NOT NULL,
    CONSTRAINT patient_pk PRIMARY KEY (tenant_id, id)
);

INSERT INTO patient (tenant_id, id, first_name, last_name, birth_date, version)
    SELECT 'default', id, first_name, last_name, birth_date, version FROM patient_before_tenants;

DROP TABLE patient_before_tenants CASCADE;

-- No default once the existing rows have theirs: a row written without its tenant is refused, never filed under one.
ALTER TABLE document ADD COLUMN tenant_id VARCHAR(64) DEFAULT 'default' NOT NULL;
ALTER TABLE document ALTER COLUMN tenant_id DROP DEFAULT;
-- A document's patient is a patient of the document's own tenant.
ALTER TABLE document ADD CONSTRAINT document_patient
    FOREIGN KEY (tenant_id, patient_id) REFERENCES patient (tenant_id, id);

-- The indexes of V2 and V11, each now within a tenant. Nullable sort columns stay NULLS FIRST, the order OData asks
-- for ascending, and each index still ends in the key, so that keyset pages are index range scans.
DROP INDEX document_patient_uploaded;
CREATE INDEX document_patient_uploaded ON document (tenant_id, patient_id, uploaded_at, id);
DROP INDEX document_patient_id;
CREATE INDEX document_patient_id ON document (tenant_id, patient_id, id);
DROP INDEX document_patient_type;
CREATE INDEX document_patient_type ON document (tenant_id, patient_id, document_type NULLS FIRST, id);
DROP INDEX document_uploaded;
CREATE INDEX document_uploaded ON document (tenant_id, uploaded_at, id);
DROP INDEX document_type;
CREATE INDEX document_type ON document (tenant_id, document_type NULLS FIRST, id);
DROP INDEX document_file_name;
CREATE INDEX document_file_name ON document (tenant_id, file_name, id);
-- A tenant's documents in the default order (the key); the primary key alone no longer serves it.
CREATE INDEX document_tenant ON document (tenant_id, id);
CREATE INDEX patient_last_name ON patient (tenant_id, last_name NULLS FIRST, id);
