package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriInfo;
import org.junit.jupiter.api.Test;

class EntityQueryTest {

    private static EntityQuery read(String path, String query, Set<String> required) {
        UriInfo uri = Parsed.parse(path, query);
        return EntityQuery.of(Parsed.context(Dialect.H2, uri), Target.of(uri), uri.getSelectOption(), required);
    }

    @Test
    void anEntityIsReadByItsKeyWithItsVersion() {
        EntityQuery query = read("Patients('p1')", null, Set.of());
        assertEquals("SELECT t0.id, t0.first_name, t0.last_name, t0.birth_date, t0.version FROM patient t0"
                + " WHERE t0.tenant_id = ? AND t0.id = ?", query.sql().sql());
        assertEquals(List.of(Parsed.TENANT, "p1"), query.sql().params());
    }

    @Test
    void aDocumentReachedThroughAPatientMustBelongToIt() {
        EntityQuery query = read("Patients('p1')/Documents('d1')", "$select=file_name", Set.of());
        assertEquals("SELECT t0.id, t0.file_name, t0.version FROM document t0"
                + " WHERE t0.tenant_id = ? AND t0.id = ? AND t0.patient_id = ?", query.sql().sql());
        assertEquals(List.of(Parsed.TENANT, "d1", "p1"), query.sql().params());
        assertEquals(Set.of("id", "file_name"), query.selected());
    }

    @Test
    void theEntityOfASingleValuedNavigationIsFoundThroughItsSource() {
        EntityQuery query = read("Documents('d1')/Patient", "$select=last_name", Set.of());
        assertEquals("SELECT t0.id, t0.last_name, t0.version FROM patient t0"
                + " WHERE t0.tenant_id = ? AND t0.id = (SELECT t1.patient_id FROM document t1"
                + " WHERE t1.tenant_id = ? AND t1.id = ?)", query.sql().sql());
        assertEquals(List.of(Parsed.TENANT, Parsed.TENANT, "d1"), query.sql().params());
    }

    @Test
    void requiredPropertiesAreReadButNotSelected() {
        EntityQuery query = read("Documents('d1')", "$select=file_name", Set.of("patient_id"));
        assertEquals("SELECT t0.id, t0.file_name, t0.patient_id, t0.version FROM document t0"
                + " WHERE t0.tenant_id = ? AND t0.id = ?", query.sql().sql());
        assertEquals(Set.of("id", "file_name"), query.selected());
    }

    @Test
    void anAuditEventIsReadInTheCallersTenantWithItsInt64KeyBoundAsANumber() {
        EntityQuery query = read("AuditEvents(42)", "$select=action", Set.of());
        assertEquals("SELECT t0.id, t0.action, t0.id FROM audit_event t0 WHERE t0.tenant_id = ? AND t0.id = ?",
                query.sql().sql());
        assertEquals(List.of(Parsed.TENANT, 42L), query.sql().params());
    }
}
