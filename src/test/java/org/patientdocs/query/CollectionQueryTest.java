package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriInfo;
import org.junit.jupiter.api.Test;

class CollectionQueryTest {

    private static final String ALL_COLUMNS = "t0.id, t0.patient_id, t0.file_name, t0.content_type,"
            + " t0.file_size_bytes, t0.document_type, t0.description, t0.uploaded_by_id, t0.uploaded_at, t0.version";

    private static CollectionQuery scoped(String query) {
        UriInfo uri = Parsed.parse("Patients('p1')/Documents", query);
        return CollectionQuery.of(Parsed.context(Dialect.H2, uri), Target.of(uri), CollectionQuery.Options.of(uri),
                Set.of());
    }

    @Test
    void scopeFilterOrderAndPageBecomeOneStatement() {
        CollectionQuery.Page page = scoped("$filter=file_size_bytes gt 10&$orderby=uploaded_at desc&$top=5&$skip=2")
                .page(100, null);
        assertEquals("SELECT " + ALL_COLUMNS + ", t0.uploaded_at AS k0, t0.id AS k1 FROM document t0"
                + " WHERE t0.tenant_id = ? AND t0.patient_id = ? AND (t0.file_size_bytes > ?)"
                + " ORDER BY t0.tenant_id DESC, t0.patient_id DESC, k0 DESC, k1 DESC LIMIT ? OFFSET ?",
                page.rows().sql());
        assertEquals(List.of(Parsed.TENANT, "p1", 10L, 5, 2), page.rows().params());
    }

    @Test
    void countReusesTheWhereWithoutOrderOrPage() {
        CollectionQuery query = scoped("$filter=file_size_bytes gt 10&$orderby=file_name&$top=5");
        assertEquals("SELECT COUNT(*) FROM document t0 WHERE t0.tenant_id = ? AND t0.patient_id = ?"
                        + " AND (t0.file_size_bytes > ?)",
                query.count().sql());
        assertEquals(List.of(Parsed.TENANT, "p1", 10L), query.count().params());
    }

    @Test
    void selectReadsOnlyTheSelectedColumnsAndTheKey() {
        CollectionQuery query = Parsed.collection("Documents", "$select=file_name,file_size_bytes");
        assertTrue(query.page(10, null).rows().sql().startsWith("SELECT t0.id, t0.file_name, t0.file_size_bytes,"
                + " t0.version, t0.id AS k0 FROM document t0"), "the version is read for the ETag");
        assertEquals(Set.of("id", "file_name", "file_size_bytes"), query.selected());
    }

    @Test
    void requiredColumnsAreReadButNotSelected() {
        UriInfo uri = Parsed.parse("Documents", "$select=file_name");
        CollectionQuery query = CollectionQuery.of(Parsed.context(Dialect.H2, uri), Target.of(uri),
                new CollectionQuery.Options(null, null, null, uri.getSelectOption(), null, null), Set.of("patient_id"));
        assertTrue(query.page(10, null).rows().sql().startsWith("SELECT t0.id, t0.file_name, t0.patient_id,"));
        assertEquals(Set.of("id", "file_name"), query.selected());
    }

    @Test
    void ascendingOrderOnANullableKeyPutsNullsFirstAndAppendsTheKey() {
        assertTrue(Parsed.collection("Documents", "$orderby=document_type").page(10, null).rows().sql()
                .contains("ORDER BY t0.tenant_id, k0 ASC NULLS FIRST, k1 ASC"));
    }

    @Test
    void descendingOrderOnANullableKeyPutsNullsLast() {
        assertTrue(Parsed.collection("Documents", "$orderby=description desc").page(10, null).rows().sql()
                .contains("ORDER BY t0.tenant_id DESC, k0 DESC NULLS LAST, k1 DESC"));
    }

    @Test
    void propertiesTheFilterHoldsEqualLeadTheOrderSoThatTheirIndexServesIt() {
        CollectionQuery.Page page = Parsed.collection("Documents",
                "$filter=document_type eq 'Referral' and file_size_bytes gt 10&$orderby=document_type desc,file_name")
                .page(10, null);
        assertTrue(page.rows().sql().contains(", t0.document_type AS k0, t0.file_name AS k1, t0.id AS k2 FROM"),
                page.rows().sql());
        assertTrue(page.rows().sql().endsWith(" ORDER BY t0.tenant_id DESC, k0 DESC, k1 ASC, k2 DESC LIMIT ? OFFSET ?"),
                page.rows().sql());
        assertTrue(Parsed.collection("Documents", "$filter='Referral' eq document_type").page(10, null).rows().sql()
                .endsWith(" ORDER BY t0.tenant_id, k0 ASC, k1 ASC LIMIT ? OFFSET ?"), "either side of eq");
    }

    /**
     * H2 looks for an index in the order of ORDER BY from its first column on, without skipping the leading columns
     * the WHERE holds equal: without the tenant's column (and a navigation's) first, the first page of a million
     * documents sorted every one of them.
     */
    @Test
    void theColumnsTheScopeHoldsEqualLeadTheOrderSoThatAnIndexLeadingWithThemServesIt() {
        assertTrue(Parsed.collection("Documents", "").page(10, null).rows().sql()
                .endsWith(" WHERE t0.tenant_id = ? ORDER BY t0.tenant_id, k0 ASC LIMIT ? OFFSET ?"));
        assertTrue(scoped("$orderby=uploaded_at desc").page(10, null).rows().sql().endsWith(
                " WHERE t0.tenant_id = ? AND t0.patient_id = ? ORDER BY t0.tenant_id DESC, t0.patient_id DESC, k0 DESC, k1 DESC"
                        + " LIMIT ? OFFSET ?"));
    }

    @Test
    void onlyEqualityToAValueInEveryBranchPinsAProperty() {
        for (String filter : List.of("document_type eq 'A' or document_type eq 'B'", "document_type eq null",
                "not (document_type eq 'A')", "document_type ne 'A'", "Patient/last_name eq 'Smith'",
                "document_type eq description")) {
            String sql = Parsed.collection("Documents", "$filter=" + filter).page(10, null).rows().sql();
            assertTrue(sql.endsWith(" ORDER BY t0.tenant_id, k0 ASC LIMIT ? OFFSET ?"), filter + ": " + sql);
        }
    }

    @Test
    void orderingByTheKeyDoesNotRepeatIt() {
        assertTrue(Parsed.collection("Documents", "$orderby=id desc").page(10, null).rows().sql()
                .endsWith("ORDER BY t0.tenant_id DESC, k0 DESC LIMIT ? OFFSET ?"));
    }

    @Test
    void orderingByANavigationPathJoinsTheTarget() {
        String sql = Parsed.collection("Documents", "$orderby=Patient/last_name").page(10, null).rows().sql();
        assertTrue(sql.contains("t1.last_name AS k0, t0.id AS k1 FROM document t0 LEFT JOIN patient t1 ON"
                + " t1.id = t0.patient_id AND t1.tenant_id = ? WHERE t0.tenant_id = ?"
                + " ORDER BY t0.tenant_id, k0 ASC NULLS FIRST, k1 ASC"), sql);
    }

    @Test
    void orderingByAnExpressionBindsItsParametersOnce() {
        CollectionQuery.Page page = Parsed.collection("Documents", "$orderby=indexof(file_name,'x')").page(10, null);
        assertTrue(page.rows().sql().contains("(POSITION(? IN t0.file_name) - 1) AS k0"));
        assertEquals(List.of("x", Parsed.TENANT, 11, 0), page.rows().params());
    }

    @Test
    void withoutTopOneRowMoreThanThePageIsReadToDetectANextPage() {
        CollectionQuery.Page page = Parsed.collection("Documents", "").page(10, null);
        assertEquals(List.of(Parsed.TENANT, 11, 0), page.rows().params());
        assertTrue(page.hasMore(11));
        assertFalse(page.hasMore(10));
    }

    @Test
    void aTopWithinThePageNeedsNoNextPage() {
        CollectionQuery.Page page = Parsed.collection("Documents", "$top=3").page(10, null);
        assertEquals(List.of(Parsed.TENANT, 3, 0), page.rows().params());
        assertFalse(page.hasMore(3));
    }

    @Test
    void aLaterPageStartsAfterTheKeysetAndIgnoresSkip() {
        CollectionQuery query = Parsed.collection("Documents", "$orderby=file_size_bytes&$skip=5");
        CollectionQuery.Page page = query.page(10, new Keyset.Position(List.of(7L, "doc-1"), 10));
        assertTrue(page.rows().sql().contains("WHERE t0.tenant_id = ? AND ((t0.file_size_bytes, t0.id) > (?, ?))"),
                page.rows().sql());
        assertEquals(List.of(Parsed.TENANT, 7L, "doc-1", 11, 0), page.rows().params());
    }

    @Test
    void topCountsTheRowsOfEarlierPages() {
        CollectionQuery query = Parsed.collection("Documents", "$top=25");
        CollectionQuery.Page third = query.page(10, new Keyset.Position(List.of("doc-9"), 20));
        assertEquals(5, third.pageRows());
        assertEquals(List.of(Parsed.TENANT, "doc-9", 5, 0), third.rows().params());
        assertFalse(third.hasMore(5));
    }

    @Test
    void theLastRowGivesTheNextPosition() {
        CollectionQuery.Page page = Parsed.collection("Documents", "$orderby=file_name").page(10, null);
        Object[] values = new Object[page.layout().kinds().size()];
        values[values.length - 2] = "b.pdf";
        values[values.length - 1] = "doc-2";
        Keyset.Position next = page.positionAfter(new Row(page.layout(), values), 10);
        assertEquals(List.of("b.pdf", "doc-2"), next.values());
        assertEquals(10, next.delivered());
    }

    @Test
    void searchAndFilterAreBothConditions() {
        CollectionQuery query = Parsed.collection("Documents", "$filter=file_size_bytes gt 1&$search=x");
        assertTrue(query.count().sql().startsWith("SELECT COUNT(*) FROM document t0 WHERE t0.tenant_id = ?"
                + " AND (t0.file_size_bytes > ?) AND ((TRANSLATE(t0.file_name"), query.count().sql());
    }
}
