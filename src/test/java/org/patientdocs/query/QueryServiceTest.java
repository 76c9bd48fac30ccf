package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.patientdocs.auth.Caller;
import org.patientdocs.auth.Scope;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException;

/** Every read of a request, through the one service that builds and runs its statements. */
class QueryServiceTest {

    private static final ServiceConfig.Query LIMITS = new ServiceConfig.Query(1000, 10_000, 100, 32, 3);

    /** A store that records each statement and answers it with the next of the answers given. */
    private static final class Store implements StatementRunner {
        final List<SqlFragment> statements = new ArrayList<>();
        final Deque<Function<RowLayout, List<Row>>> rows = new ArrayDeque<>();
        final Deque<Long> counts = new ArrayDeque<>();

        Store rows(Function<RowLayout, List<Row>> answer) {
            rows.add(answer);
            return this;
        }

        Store count(long count) {
            counts.add(count);
            return this;
        }

        @Override
        public List<Row> rows(SqlFragment statement, RowLayout layout) {
            statements.add(statement);
            return rows.remove().apply(layout);
        }

        @Override
        public long count(SqlFragment statement) {
            statements.add(statement);
            return counts.remove();
        }

        @Override
        public Map<Object, Long> counts(SqlFragment statement, ColumnMap.Kind group) {
            statements.add(statement);
            return Map.of();
        }

        List<String> sql() {
            return statements.stream().map(SqlFragment::sql).toList();
        }
    }

    /** A row of the layout with these properties and, after them and the version, these values for the service. */
    private static Row row(RowLayout layout, Map<String, Object> properties, Object... extra) {
        Object[] values = new Object[layout.kinds().size()];
        properties.forEach((name, value) -> values[layout.indexOf(layout.table().column(name))] = value);
        values[layout.indexOf(layout.table().version())] = 1L;
        System.arraycopy(extra, 0, values, values.length - extra.length, extra.length);
        return new Row(layout, values);
    }

    private static QueryService service(Dialect dialect, Store store) {
        return new QueryService(Parsed.COLUMNS, dialect, Indexes.NONE, LIMITS, store,
                QueryService.BeforeReading.NOTHING);
    }

    private static Page page(Store store, String path, String query, int pageSize) {
        return service(Dialect.H2, store).page(Parsed.CALLER, Parsed.parse(path, query), pageSize, "fingerprint",
                Set.of());
    }

    @Test
    void aPatientsDocumentsAreReadOnlyOnceThePatientIsFound() {
        Store store = new Store()
                .rows(layout -> List.of(row(layout, Map.of("id", "p1"))))
                .rows(layout -> List.of(row(layout, Map.of("id", "d1", "patient_id", "p1"), "d1")))
                .count(1);
        Page page = page(store, "Patients('p1')/Documents", "$filter=file_size_bytes gt 10", 100);

        assertEquals(List.of(
                "SELECT t0.id, t0.first_name, t0.last_name, t0.birth_date, t0.version FROM patient t0"
                        + " WHERE t0.tenant_id = ? AND t0.id = ?",
                "SELECT t0.id, t0.patient_id, t0.file_name, t0.content_type, t0.file_size_bytes, t0.document_type,"
                        + " t0.description, t0.uploaded_by_id, t0.uploaded_at, t0.version, t0.id AS k0 FROM document t0"
                        + " WHERE t0.tenant_id = ? AND t0.patient_id = ? AND (t0.file_size_bytes > ?)"
                        + " ORDER BY t0.tenant_id, t0.patient_id, k0 ASC LIMIT ? OFFSET ?",
                "SELECT COUNT(*) FROM document t0 WHERE t0.tenant_id = ? AND t0.patient_id = ?"
                        + " AND (t0.file_size_bytes > ?)"),
                store.sql());
        assertEquals("d1", page.rows().get(0).get("id"));
        assertEquals(1L, page.count(), "a patient's documents carry their count");
        assertNull(page.next());
    }

    @Test
    void theCollectionOfAPatientThatDoesNotExistIsNotFound() {
        Store store = new Store().rows(layout -> List.of());
        ServiceException.NotFound missing = assertThrows(ServiceException.NotFound.class,
                () -> page(store, "Patients('nobody')/Documents", null, 100));
        assertEquals("The patient does not exist", missing.getMessage());
        assertThrows(ServiceException.NotFound.class, () -> service(Dialect.H2, new Store().rows(layout -> List.of()))
                .count(Parsed.CALLER, Parsed.parse("Patients('nobody')/Documents/$count", null)));
        assertEquals(1, store.statements.size(), "nothing else is read");
    }

    @Test
    void aFullPageSaysWhereTheNextStarts() {
        Store store = new Store().rows(layout -> List.of(
                row(layout, Map.of("id", "d1", "file_name", "a.pdf"), "a.pdf", "d1"),
                row(layout, Map.of("id", "d2", "file_name", "b.pdf"), "b.pdf", "d2")));
        Page page = page(store, "Documents", "$orderby=file_name", 1);

        assertEquals(1, page.rows().size());
        assertEquals(List.of("a.pdf", "d1"), page.next().values());
        assertEquals(1, page.next().delivered());
        assertNull(page.count(), "counted only on request");
        assertTrue(store.sql().get(0).endsWith("LIMIT ? OFFSET ?"));
        assertEquals(List.of(Parsed.TENANT, 2, 0), store.statements.get(0).params(),
                "one row more than the page tells of more");
    }

    @Test
    void expandedCollectionsContinueWhereEachParentsPageEnds() {
        Store store = new Store()
                .rows(layout -> List.of(row(layout, Map.of("id", "p1"), "p1")))
                .rows(layout -> List.of(row(layout, Map.of("id", "d1"), "p1"), row(layout, Map.of("id", "d2"), "p1")));
        Page page = page(store, "Patients", "$expand=Documents($top=5;$skip=1)", 1);

        Expanded documents = page.expanded().get(0);
        assertEquals(List.of("d1"), documents.inline().get(0).rows().stream().map(row -> row.get("id")).toList());
        assertEquals(new Expanded.Continuation(2, 4), documents.inline().get(0).next());
        assertTrue(store.sql().get(1).contains(".patient_id IN (?)"), store.sql().get(1));
    }

    @Test
    void everyLevelOfAnExpansionIsReadWithOneStatement() {
        Store store = new Store()
                .rows(layout -> List.of(row(layout, Map.of("id", "p1"), "p1"), row(layout, Map.of("id", "p2"), "p2")))
                .rows(layout -> List.of(row(layout, Map.of("id", "d1", "patient_id", "p1"), "p1"),
                        row(layout, Map.of("id", "d2", "patient_id", "p2"), "p2")))
                .rows(layout -> List.of(row(layout, Map.of("id", "p1"), "p1"), row(layout, Map.of("id", "p2"), "p2")));
        Page page = page(store, "Patients", "$expand=Documents($expand=Patient($select=last_name))", 100);

        assertEquals(3, store.statements.size(), "the page, then one statement per level");
        Expanded documents = page.expanded().get(0);
        Expanded patients = documents.nested().get(0);
        assertEquals(List.of("d1", "d2"), documents.inline().stream().flatMap(entry -> entry.rows().stream())
                .map(row -> row.get("id")).toList());
        assertEquals(2, patients.inline().size(), "one entry per document of the level above");
        assertEquals(Set.of("id", "last_name"), patients.selected());
        assertEquals(List.of(Parsed.TENANT, "p1", "p2"), store.statements.get(2).params());
    }

    @Test
    void theStoresDialectIsTheServicesForEveryRead() {
        Store store = new Store().rows(layout -> List.of());
        service(Dialect.POSTGRESQL, store).page(Parsed.CALLER, Parsed.parse("Documents", "$filter=file_name lt 'b'"),
                10, "fingerprint", Set.of());
        assertTrue(store.sql().get(0).contains("(t0.file_name < (? COLLATE \"C\"))"), store.sql().get(0));
    }

    @Test
    void anEntityThatDoesNotExistIsNotFoundByTheNameOfItsType() {
        Store store = new Store().rows(layout -> List.of());
        ServiceException.NotFound missing = assertThrows(ServiceException.NotFound.class,
                () -> service(Dialect.H2, store).entity(Parsed.CALLER,
                        Target.of(Parsed.parse("Patients('p1')/Documents('d1')", null))));
        assertEquals("The document does not exist", missing.getMessage());
        assertEquals(List.of(Parsed.TENANT, "d1", "p1"), store.statements.get(0).params());
    }

    @Test
    void storedColumnsAreReadWithTheEntityInItsOneStatementUnderTheSameRules() {
        List<ColumnMap.Column> stored = List.of(ColumnMap.stored("content_sha256", ColumnMap.Kind.STRING),
                ColumnMap.stored("wrapped_key", ColumnMap.Kind.BYTES));
        List<RowLayout> layouts = new ArrayList<>();
        Store store = new Store().rows(layout -> {
            layouts.add(layout);
            return List.of(row(layout, Map.of("id", "d1", "patient_id", "p1"), "abc", new byte[] {7}));
        });
        Row row = service(Dialect.H2, store).entity(Parsed.CALLER,
                Target.of(Parsed.parse("Patients('p1')/Documents('d1')/$value", null)), stored);

        assertEquals(List.of("SELECT t0.id, t0.patient_id, t0.file_name, t0.content_type, t0.file_size_bytes,"
                + " t0.document_type, t0.description, t0.uploaded_by_id, t0.uploaded_at, t0.version,"
                + " t0.content_sha256, t0.wrapped_key FROM document t0"
                + " WHERE t0.tenant_id = ? AND t0.id = ? AND t0.patient_id = ?"), store.sql());
        assertEquals(List.of(Parsed.TENANT, "d1", "p1"), store.statements.get(0).params(),
                "the tenant and the path's patient apply as to every read");
        assertEquals("p1", row.get("patient_id"));
        assertEquals("abc", row.stored(0));
        assertEquals(7, ((byte[]) row.stored(1))[0]);
        List<ColumnMap.Kind> kinds = layouts.get(0).kinds();
        assertEquals(List.of(ColumnMap.Kind.STRING, ColumnMap.Kind.BYTES), kinds.subList(kinds.size() - 2,
                kinds.size()), "the store reads the stored columns as their kinds say");
        assertNeeds("documents.read", () -> service(Dialect.H2, new Store()).entity(only(),
                Target.of(Parsed.parse("Documents('d1')", null)), stored));
    }

    @Test
    void theLimitsAreCheckedBeforeAnythingIsRead() {
        Store store = new Store();
        assertThrows(ServiceException.BadRequest.class, () -> service(Dialect.H2, store).entity(Parsed.CALLER,
                Parsed.parse("Patients('p1')",
                        "$expand=Documents($expand=Patient($expand=Documents($expand=Patient)))"),
                Set.of()));
        assertEquals(List.of(), store.statements);
    }

    /** A caller of the same tenant as {@link Parsed#CALLER} with only these scopes. */
    private static Caller only(Scope... scopes) {
        return new Caller("user-1", Parsed.TENANT, "key-1", scopes.length == 0 ? Set.of() : EnumSet.of(scopes[0],
                scopes));
    }

    private static void assertNeeds(String scope, Executable read) {
        ServiceException.Forbidden refused = assertThrows(ServiceException.Forbidden.class, read);
        assertEquals(scope, refused.scope());
    }

    @Test
    void aCollectionIsReadOnlyWithTheScopeReadingItAndNothingRunsWithout() {
        Store store = new Store();
        assertNeeds("documents.read", () -> service(Dialect.H2, store).page(only(Scope.PATIENTS_READ),
                Parsed.parse("Documents", null), 10, "fingerprint", Set.of()));
        assertNeeds("patients.read", () -> service(Dialect.H2, store).count(only(Scope.DOCUMENTS_READ),
                Parsed.parse("Patients/$count", null)));
        assertEquals(List.of(), store.statements);
    }

    @Test
    void theAuditTrailIsReadOnlyWithTheAuditScopeAndNothingRunsWithout() {
        Store store = new Store();
        Caller clinician = only(Scope.DOCUMENTS_READ, Scope.PATIENTS_READ, Scope.DOCUMENTS_WRITE,
                Scope.DOCUMENTS_DELETE, Scope.PATIENTS_WRITE);
        assertNeeds("audit.read", () -> service(Dialect.H2, store).page(clinician, Parsed.parse("AuditEvents", null),
                10, "fingerprint", Set.of()));
        assertNeeds("audit.read", () -> service(Dialect.H2, store).count(clinician,
                Parsed.parse("AuditEvents/$count", null)));
        assertNeeds("audit.read", () -> service(Dialect.H2, store).entity(clinician,
                Target.of(Parsed.parse("AuditEvents(1)", null))));
        assertEquals(List.of(), store.statements);

        store.rows(layout -> List.of()).count(0);
        service(Dialect.H2, store).page(only(Scope.AUDIT_READ), Parsed.parse("AuditEvents", "$count=true"), 10,
                "fingerprint", Set.of());
        assertTrue(store.sql().get(0).contains("FROM audit_event t0 WHERE t0.tenant_id = ?"), store.sql().get(0));
        assertEquals(Parsed.TENANT, store.statements.get(0).params().get(0));
    }

    @Test
    void aPatientsDocumentsNeedTheDocumentsScopeBeforeThePatientIsLookedUpAndNoPatientsScope() {
        Store store = new Store();
        assertNeeds("documents.read", () -> service(Dialect.H2, store).page(only(Scope.PATIENTS_READ),
                Parsed.parse("Patients('p1')/Documents", null), 10, "fingerprint", Set.of()));
        assertEquals(List.of(), store.statements, "whether the patient exists is not told either");

        store.rows(layout -> List.of(row(layout, Map.of("id", "p1")))).rows(layout -> List.of()).count(0);
        service(Dialect.H2, store).page(only(Scope.DOCUMENTS_READ), Parsed.parse("Patients('p1')/Documents", null), 10,
                "fingerprint", Set.of());
        assertEquals(3, store.statements.size(), "the patient, the page, the count");
    }

    @Test
    void everyTableAQueryOptionReadsNeedsItsReadScope() {
        Store store = new Store();
        assertNeeds("documents.read", () -> service(Dialect.H2, store).page(only(Scope.PATIENTS_READ),
                Parsed.parse("Patients", "$filter=Documents/any(d:d/document_type eq 'HIV')"), 10, "fingerprint",
                Set.of()));
        assertNeeds("documents.read", () -> service(Dialect.H2, store).page(only(Scope.PATIENTS_READ),
                Parsed.parse("Patients", "$filter=Documents/$count gt 2"), 10, "fingerprint", Set.of()));
        assertNeeds("patients.read", () -> service(Dialect.H2, store).page(only(Scope.DOCUMENTS_READ),
                Parsed.parse("Documents", "$orderby=Patient/last_name"), 10, "fingerprint", Set.of()));
        assertEquals(List.of(), store.statements);
    }

    @Test
    void expandingNeedsTheReadScopeOfEveryLevel() {
        Store store = new Store().rows(layout -> List.of(row(layout, Map.of("id", "p1"), "p1")));
        assertNeeds("documents.read", () -> service(Dialect.H2, store).page(only(Scope.PATIENTS_READ),
                Parsed.parse("Patients", "$expand=Documents"), 10, "fingerprint", Set.of()));
        Store documents = new Store().rows(layout -> List.of(row(layout, Map.of("id", "d1", "patient_id", "p1"),
                "d1")));
        assertNeeds("patients.read", () -> service(Dialect.H2, documents).page(only(Scope.DOCUMENTS_READ),
                Parsed.parse("Documents", "$expand=Patient"), 10, "fingerprint", Set.of()));
    }

    @Test
    void theEntityAPathNavigatesFromNeedsNoScopeOfItsOwn() {
        Store store = new Store().rows(layout -> List.of(row(layout, Map.of("id", "p1"))));
        service(Dialect.H2, store).entity(only(Scope.PATIENTS_READ),
                Target.of(Parsed.parse("Documents('d1')/Patient", null)));
        assertTrue(store.sql().get(0).contains("(SELECT t1.patient_id FROM document t1"), store.sql().get(0));
    }

    @Test
    void theEntityAChangeAddressesIsFoundWithoutAReadScopeInTheCallersTenant() {
        Store store = new Store().rows(layout -> List.of(row(layout, Map.of("id", "d1"))));
        Target target = Target.of(Parsed.parse("Documents('d1')", null));
        service(Dialect.H2, store).entityToChange(only(), target);
        assertEquals(List.of(Parsed.TENANT, "d1"), store.statements.get(0).params());
        assertNeeds("documents.read", () -> service(Dialect.H2, new Store()).entity(only(), target));
    }
}
