package org.patientdocs.odata;

import java.util.List;
import java.util.Map;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.server.api.ServiceMetadata;
import org.patientdocs.auth.Scope;
import org.patientdocs.query.ColumnMap;

/**
 * The parts of the EDM the processors work with, resolved once at start-up: the entity sets and their tables.
 */
public record Model(ServiceMetadata metadata, EdmEntitySet patients, EdmEntitySet documents, ColumnMap columns) {

    public static final String PATIENTS = "Patients";
    public static final String DOCUMENTS = "Documents";
    public static final String AUDIT_EVENTS = "AuditEvents";
    /** The audit trail's table. */
    public static final String AUDIT_TABLE = "audit_event";

    /** Whether the entity set holds the documents, which are media entities with rules of their own. */
    public static boolean isDocuments(EdmEntitySet set) {
        return DOCUMENTS.equals(set.getName());
    }

    /**
     * Whether the entity set is the audit trail, which is read (with the scope {@code audit.read}) and never changed
     * through the service.
     */
    public static boolean isAuditEvents(EdmEntitySet set) {
        return AUDIT_EVENTS.equals(set.getName());
    }

    /**
     * How each entity type is stored and who may see and change it: every row of the tables belongs to a tenant;
     * patients are read with {@code patients.read} and created, changed and deleted with {@code patients.write},
     * documents read with {@code documents.read}, uploaded and changed with {@code documents.write} and deleted with
     * {@code documents.delete}; the audit trail's events are read with {@code audit.read} and never changed through
     * the service (the processors refuse it with 405 before any scope matters); {@code $search} looks into the listed
     * properties. Audit events never change once written, so their key serves as their version (their ETag).
     */
    public static final List<ColumnMap.TableSpec> TABLES = List.of(
            new ColumnMap.TableSpec("Patient", "patient", "tenant_id",
                    new ColumnMap.Access(Scope.PATIENTS_READ, Scope.PATIENTS_WRITE, Scope.PATIENTS_WRITE), Map.of(),
                    List.of("first_name", "last_name"), "version"),
            new ColumnMap.TableSpec("Document", "document", "tenant_id",
                    new ColumnMap.Access(Scope.DOCUMENTS_READ, Scope.DOCUMENTS_WRITE, Scope.DOCUMENTS_DELETE),
                    Map.of("Patient", "patient_id"), List.of("file_name", "description", "document_type"), "version"),
            new ColumnMap.TableSpec("AuditEvent", AUDIT_TABLE, "tenant_id",
                    new ColumnMap.Access(Scope.AUDIT_READ, Scope.AUDIT_READ, Scope.AUDIT_READ), Map.of(), List.of(),
                    "id"));

    public static Model load(int maxPageSize, long maxUploadBytes) {
        ServiceMetadata metadata = EdmLoader.load(maxPageSize, maxUploadBytes);
        Edm edm = metadata.getEdm();
        ColumnMap columns = ColumnMap.fromEdm(edm, EdmLoader.NAMESPACE, TABLES);
        EdmEntitySet patients = edm.getEntityContainer().getEntitySet(PATIENTS);
        EdmEntitySet documents = edm.getEntityContainer().getEntitySet(DOCUMENTS);
        return new Model(metadata, patients, documents, columns);
    }

    public EdmEntityType documentType() {
        return documents.getEntityType();
    }

    public EdmEntityType patientType() {
        return patients.getEntityType();
    }
}
