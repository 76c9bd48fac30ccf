package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.junit.jupiter.api.Test;

class ExpandQueryTest {

    private static ExpandQuery expand(String set, String query, String navigation) {
        UriInfo uri = Parsed.parse(set, query);
        ExpandItem item = uri.getExpandOption().getExpandItems().get(0);
        return ExpandQuery.of(Parsed.context(Dialect.H2, uri), Parsed.table(set).navigation(navigation),
                CollectionQuery.Options.of(item), Set.of(), Computation.of(item.getApplyOption()));
    }

    @Test
    void aCollectionIsOneStatementForAllParentsNumberedPerParent() {
        ExpandQuery query = expand("Patients", "$expand=Documents($filter=file_size_bytes gt 5;"
                + "$orderby=uploaded_at desc;$select=file_name;$skip=1;$top=2)", "Documents");
        SqlFragment rows = query.rows(List.of("p1", "p2"), 1000);
        assertEquals("SELECT x.c0, x.c1, x.c2, x.p_ FROM (SELECT t0.id AS c0, t0.file_name AS c1, t0.version AS c2,"
                + " t0.patient_id AS p_,"
                + " ROW_NUMBER() OVER (PARTITION BY t0.patient_id ORDER BY t0.uploaded_at DESC, t0.id DESC) AS r_"
                + " FROM document t0 WHERE t0.tenant_id = ? AND t0.patient_id IN (?, ?) AND (t0.file_size_bytes > ?)) x"
                + " WHERE x.r_ > ? AND x.r_ <= ? ORDER BY x.p_, x.r_", rows.sql());
        assertEquals(List.of(Parsed.TENANT, "p1", "p2", 5L, 1L, 3L), rows.params());
        assertEquals(List.of(ColumnMap.Kind.STRING, ColumnMap.Kind.STRING, ColumnMap.Kind.INT64, ColumnMap.Kind.STRING),
                query.layout().kinds(), "the columns, the version and the parent's key");
    }

    @Test
    void withoutTopEachParentGetsAtMostOneRowMoreThanThePage() {
        SqlFragment rows = expand("Patients", "$expand=Documents", "Documents").rows(List.of("p1"), 50);
        assertEquals(List.of(Parsed.TENANT, "p1", 0L, 51L), rows.params());
    }

    @Test
    void theCountPerParentHonoursTheExpandsFilter() {
        SqlFragment counts = expand("Patients", "$expand=Documents($filter=document_type eq 'X';$count=true)",
                "Documents").counts(List.of("p1"));
        assertEquals("SELECT t0.patient_id AS p_, COUNT(*) AS n_ FROM document t0 WHERE t0.tenant_id = ?"
                + " AND t0.patient_id IN (?) AND ((t0.document_type = ?) AND t0.document_type IS NOT NULL)"
                + " GROUP BY t0.patient_id", counts.sql());
        assertEquals(List.of(Parsed.TENANT, "p1", "X"), counts.params());
    }

    @Test
    void aSingleValuedNavigationReadsTheTargetsByKey() {
        SqlFragment rows = expand("Documents", "$expand=Patient($select=last_name)", "Patient")
                .rows(List.of("p1", "p2"), 1000);
        assertEquals("SELECT t0.id, t0.last_name, t0.version, t0.id AS p_ FROM patient t0"
                + " WHERE t0.tenant_id = ? AND t0.id IN (?, ?)", rows.sql());
    }
}
