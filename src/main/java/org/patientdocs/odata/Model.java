package org.patientdocs.odata;

import java.util.List;
import java.util.Map;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.server.api.ServiceMetadata;
import org.patientdocs.query.ColumnMap;

/**
 * The parts of the EDM the processors work with, resolved once at start-up: the entity sets and their tables.
 */
public record Model(ServiceMetadata metadata, EdmEntitySet patients, EdmEntitySet documents, ColumnMap columns) {

    public static final String PATIENTS = "Patients";
    public static final String DOCUMENTS = "Documents";
    public static final String AUDIT_EVENTS = "AuditEvents";

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
     * How each entity type is stored; {@code $search} looks into the listed properties. Audit events never change
     * once written, so their key serves as their version (their ETag).
     */
    public static final List<ColumnMap.TableSpec> TABLES = List.of(
            new ColumnMap.TableSpec("Patient", "patient", Map.of(), List.of("first_name", "last_name"), "version"),
            new ColumnMap.TableSpec("Document", "document", Map.of("Patient", "patient_id"),
                    List.of("file_name", "description", "document_type"), "version"),
            new ColumnMap.TableSpec("AuditEvent", "audit_event", Map.of(), List.of(), "id"));

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
