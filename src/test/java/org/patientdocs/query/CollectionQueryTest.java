package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.uri.UriInfo;
import org.junit.jupiter.api.Test;
import org.patientdocs.odata.EdmLoader;

class CollectionQueryTest {

    private static final ServiceMetadata METADATA = EdmLoader.load();
    private static final ColumnMap.Table DOCUMENTS = ColumnMap.fromEdm(METADATA.getEdm(), EdmLoader.NAMESPACE,
            Map.of("Patient", "patient", "Document", "document"))
            .table(METADATA.getEdm().getEntityContainer().getEntitySet("Documents").getEntityType());

    private static CollectionQuery translate(String query, int pageSize) {
        UriInfo uri = FilterTranslatorTest.parse("Documents", query);
        return CollectionQuery.translate(DOCUMENTS, SqlFragment.of("patient_id = ?", "p1"),
                new CollectionQuery.Options(uri.getFilterOption(), uri.getOrderByOption(), uri.getSelectOption(),
                        uri.getTopOption() == null ? null : uri.getTopOption().getValue(),
                        uri.getSkipOption() == null ? null : uri.getSkipOption().getValue()), pageSize);
    }

    @Test
    void scopeFilterOrderAndPageBecomeOneStatement() {
        CollectionQuery query = translate("$filter=file_size_bytes gt 10&$orderby=uploaded_at desc&$top=5&$skip=2",
                100);
        assertEquals("SELECT id, patient_id, file_name, content_type, file_size_bytes, document_type, description,"
                + " uploaded_by_id, uploaded_at FROM document WHERE patient_id = ? AND (file_size_bytes > ?)"
                + " ORDER BY uploaded_at DESC NULLS LAST, id ASC LIMIT ? OFFSET ?", query.rows().sql());
        assertEquals(List.of("p1", 10L, 5, 2), query.rows().params());
    }

    @Test
    void countReusesTheWhereWithoutOrderOrPage() {
        CollectionQuery query = translate("$filter=file_size_bytes gt 10&$orderby=file_name&$top=5", 100);
        assertEquals("SELECT COUNT(*) FROM document WHERE patient_id = ? AND (file_size_bytes > ?)",
                query.count().sql());
        assertEquals(List.of("p1", 10L), query.count().params());
    }

    @Test
    void selectReadsOnlyTheSelectedColumnsAndTheKey() {
        CollectionQuery query = translate("$select=file_name,file_size_bytes", 100);
        assertTrue(query.rows().sql().startsWith("SELECT id, file_name, file_size_bytes FROM document"));
    }

    @Test
    void ascendingOrderPutsNullsFirstAndAppendsTheKey() {
        CollectionQuery query = translate("$orderby=document_type", 100);
        assertTrue(query.rows().sql().contains("ORDER BY document_type ASC NULLS FIRST, id ASC"));
    }

    @Test
    void orderingByTheKeyDoesNotRepeatIt() {
        CollectionQuery query = translate("$orderby=id desc", 100);
        assertTrue(query.rows().sql().endsWith("ORDER BY id DESC NULLS LAST LIMIT ? OFFSET ?"));
    }

    @Test
    void withoutTopOneRowMoreThanThePageIsReadToDetectANextPage() {
        CollectionQuery query = translate("", 10);
        assertEquals(List.of("p1", 11, 0), query.rows().params());
        assertTrue(query.hasMore(11));
        assertFalse(query.hasMore(10));
    }

    @Test
    void aTopWithinThePageNeedsNoNextPage() {
        CollectionQuery query = translate("$top=3", 10);
        assertEquals(List.of("p1", 3, 0), query.rows().params());
        assertFalse(query.hasMore(3));
    }
}
