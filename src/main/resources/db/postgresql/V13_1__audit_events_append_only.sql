-- PostgreSQL only (see V11_1): the text columns of the audit trail in collation "C", as the start-up check requires,
-- and rows that cannot be changed or deleted through SQL. The service never tries; the trigger stops anyone else who
-- uses the service's role by mistake. The role owns the table and could drop the trigger: the hash chain, checked by
-- audit-verify, is what detects a row changed or removed that way.
ALTER TABLE audit_event
    ALTER COLUMN tenant_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN subject TYPE VARCHAR COLLATE "C",
    ALTER COLUMN api_key_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN action TYPE VARCHAR(16) COLLATE "C",
    ALTER COLUMN resource TYPE VARCHAR COLLATE "C",
    ALTER COLUMN query TYPE VARCHAR COLLATE "C",
    ALTER COLUMN patient_ids TYPE VARCHAR[] COLLATE "C",
    ALTER COLUMN document_ids TYPE VARCHAR[] COLLATE "C",
    ALTER COLUMN request_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN client_address TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN chain TYPE VARCHAR(64) COLLATE "C";

ALTER TABLE audit_chain
    ALTER COLUMN tenant_id TYPE VARCHAR(64) COLLATE "C",
    ALTER COLUMN chain TYPE VARCHAR(64) COLLATE "C";

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END
$$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE PROCEDURE audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE PROCEDURE audit_event_append_only();
