package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriInfo;
import org.junit.jupiter.api.Test;

class ApplyQueryTest {

    private static ApplyQuery query(String path, String query) {
        UriInfo uri = Parsed.parse(path, query);
        return ApplyQuery.of(Parsed.context(Dialect.POSTGRESQL, uri), Target.of(uri), uri, Set.of("patient_id"));
    }

    @Test
    void aGroupingIsOneStatementOverTheTenantsAndThePatientsRows() {
        SqlFragment rows = query("Patients('p1')/Documents",
                "$apply=filter(file_size_bytes gt 10)/groupby((document_type),aggregate(file_size_bytes with sum"
                        + " as total))").rows(null, null, 0, 100);
        assertEquals("SELECT g.c0, g.c1 FROM (SELECT t0.document_type AS c0, SUM(t0.file_size_bytes) AS c1"
                + " FROM document t0 WHERE t0.tenant_id = ? AND t0.patient_id = ? AND (t0.file_size_bytes > ?)"
                + " GROUP BY c0) g ORDER BY g.c0 ASC NULLS FIRST LIMIT ? OFFSET ?", rows.sql());
        assertEquals(List.of(Parsed.TENANT, "p1", 10L, 101L, 0L), rows.params());
    }

    @Test
    void computedGroupingValuesAreGroupedByNameSoTheirParametersAreNotRepeated() {
        SqlFragment rows = query("Documents", "$apply=compute(file_size_bytes div 1024 as kb)/groupby((kb))")
                .rows(null, null, 0, 10);
        assertTrue(rows.sql().contains(" GROUP BY c0) g"), rows.sql());
        assertEquals(1, rows.params().stream().filter(p -> p.equals(1024L)).count(), rows.params().toString());
    }

    @Test
    void navigationPathsJoinTheRelatedTableInTheTenantToo() {
        SqlFragment rows = query("Documents", "$apply=groupby((Patient/last_name),aggregate($count as n))")
                .rows(null, null, 0, 10);
        assertTrue(rows.sql().contains("FROM document t0 LEFT JOIN patient t1 ON t1.id = t0.patient_id"
                + " AND t1.tenant_id = ? WHERE t0.tenant_id = ?"), rows.sql());
    }

    @Test
    void filtersAndOrdersAfterTheGroupingReadItsColumns() {
        ApplyQuery query = query("Documents", "$apply=groupby((patient_id),aggregate($count as n))"
                + "&$filter=n gt 2&$orderby=n desc");
        SqlFragment rows = query.rows(null, null, 0, 10);
        assertTrue(rows.sql().endsWith(") g WHERE (g.c1 > ?) ORDER BY g.c1 DESC, g.c0 ASC LIMIT ? OFFSET ?"),
                rows.sql());
        assertEquals("SELECT COUNT(*) FROM (SELECT t0.patient_id AS c0, COUNT(*) AS c1 FROM document t0"
                + " WHERE t0.tenant_id = ? GROUP BY c0) g WHERE (g.c1 > ?)", query.count().sql());
    }

    @Test
    void topAndSkipInsideApplyAddUpWithTheRequestsAndThePagesDelivered() {
        ApplyQuery query = query("Documents", "$apply=groupby((document_type))/skip(2)/top(10)");
        // $skip=1 and 4 rows delivered: from the 8th row of the grouping on (2 + 1 + 4 skipped), 10 - 1 - 4 = 5 rows
        List<Object> params = query.rows(1, null, 4, 100).params();
        assertEquals(List.of(Parsed.TENANT, 5L, 7L), params);
        assertTrue(query.count().sql().endsWith(" LIMIT ? OFFSET ?) c"), query.count().sql());
    }

    @Test
    void computedPropertiesOfEntitiesAreSelectedFilteredAndOrderedInSql() {
        ApplyQuery query = query("Documents", "$apply=compute(file_size_bytes div 1024 as kb)&$filter=kb gt 1"
                + "&$orderby=kb desc&$select=file_name,kb");
        assertEquals(List.of("id", "file_name", "kb", "patient_id"), query.names());
        assertEquals(3, query.shown(), "the patient is read for the audit trail, not shown");
        SqlFragment rows = query.rows(null, null, 0, 10);
        assertTrue(rows.sql().startsWith("SELECT t0.id, t0.file_name, (t0.file_size_bytes / "), rows.sql());
        assertTrue(rows.sql().contains(" ORDER BY (t0.file_size_bytes / "), rows.sql());
        assertTrue(rows.sql().endsWith(" DESC, t0.id ASC LIMIT ? OFFSET ?"), rows.sql());
    }

    @Test
    void concatPutsTheBranchesTogetherWithUnionAllAndNullsForWhatABranchLacks() {
        SqlFragment rows = query("Documents",
                "$apply=concat(groupby((document_type),aggregate($count as n)),aggregate($count as n))")
                .rows(null, null, 0, 10);
        assertTrue(rows.sql().startsWith("SELECT u.c0, u.c1 FROM (SELECT g.c0 AS c0, g.c1 AS c1, 0 AS b FROM"),
                rows.sql());
        assertTrue(rows.sql().contains(" UNION ALL SELECT CAST(NULL AS VARCHAR) AS c0, g.c0 AS c1, 1 AS b FROM"),
                rows.sql());
        assertTrue(rows.sql().endsWith(") u ORDER BY u.b ASC, u.c0 ASC NULLS FIRST, u.c1 ASC NULLS FIRST"
                + " LIMIT ? OFFSET ?"), rows.sql());
        assertEquals(List.of(Parsed.TENANT, Parsed.TENANT, 11L, 0L), rows.params());
    }
}
