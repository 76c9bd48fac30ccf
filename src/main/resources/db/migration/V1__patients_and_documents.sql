-- Portable SQL: runs unchanged on H2 and PostgreSQL.
CREATE TABLE patient (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    first_name  VARCHAR(200),
    last_name   VARCHAR(200),
    birth_date  DATE,
    version     BIGINT       NOT NULL
);

CREATE TABLE document (
    id              VARCHAR(64)   NOT NULL PRIMARY KEY,
    patient_id      VARCHAR(64)   NOT NULL REFERENCES patient (id),
    file_name       VARCHAR(255)  NOT NULL,
    content_type    VARCHAR(100)  NOT NULL,
    file_size_bytes BIGINT        NOT NULL,
    document_type   VARCHAR(100),
    description     VARCHAR(2000),
    uploaded_by_id  VARCHAR(255)  NOT NULL,
    uploaded_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    content_sha256  VARCHAR(64)   NOT NULL,
    version         BIGINT        NOT NULL
);

-- A patient's documents newest first, and keyset pages over them.
CREATE INDEX document_patient_uploaded ON document (patient_id, uploaded_at, id);
-- A patient's documents of one type.
CREATE INDEX document_patient_type ON document (patient_id, document_type);
