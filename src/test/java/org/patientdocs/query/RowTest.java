package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.patientdocs.error.ServiceException;

class RowTest {

    private static final ColumnMap.Table DOCUMENTS = Parsed.table("Documents");

    @Test
    void aPropertyIsFoundWhereverTheStatementReadIt() {
        RowLayout layout = RowLayout.of(DOCUMENTS, List.of(DOCUMENTS.column("file_name"), DOCUMENTS.version(),
                DOCUMENTS.column("id")));
        Row row = new Row(layout, new Object[] {"scan.pdf", 4L, "doc-1"});

        assertEquals("doc-1", row.get("id"));
        assertEquals("scan.pdf", row.get(DOCUMENTS.column("file_name")));
        assertEquals(4L, row.version());
        assertNull(row.get("description"), "a property the statement did not read");
        assertSame(DOCUMENTS, row.table());
    }

    @Test
    void theSortKeysFollowTheProperties() {
        CollectionQuery.Page page = Parsed.collection("Documents", "$orderby=file_name desc").page(10, null);
        Object[] values = new Object[page.layout().kinds().size()];
        values[values.length - 2] = "b.pdf";
        values[values.length - 1] = "doc-2";
        values[page.layout().indexOf(DOCUMENTS.version())] = 1L;

        assertEquals(List.of("b.pdf", "doc-2"), new Row(page.layout(), values).sortKey());
    }

    @Test
    void anExpandedRowCarriesItsParentsKeyAfterTheProperties() {
        RowLayout layout = RowLayout.of(DOCUMENTS, List.of(DOCUMENTS.column("id"), DOCUMENTS.version()))
                .withParent(ColumnMap.Kind.STRING);
        assertEquals(List.of(ColumnMap.Kind.STRING, ColumnMap.Kind.INT64, ColumnMap.Kind.STRING), layout.kinds());
        assertEquals("p1", new Row(layout, new Object[] {"doc-1", 1L, "p1"}).parent());
    }

    @Test
    void aRowOfEveryPropertyHoldsThemInTheTablesOrder() {
        Row row = Row.of(DOCUMENTS, Map.of("id", "doc-1", "description", "x"), 1L);
        Object[] read = DOCUMENTS.allColumns().stream().map(row::get).toArray();

        assertEquals(Arrays.asList("doc-1", null, null, null, null, null, "x", null, null), Arrays.asList(read));
        assertEquals(1L, row.version());
    }

    @Test
    void aPropertyTheTypeLacksIsNoValue() {
        Row row = Row.of(DOCUMENTS, Map.of("id", "doc-1"), 1L);
        assertThrows(ServiceException.BadRequest.class, () -> row.get("title"));
    }

    @Test
    void aRowMustMatchItsLayout() {
        RowLayout layout = RowLayout.of(DOCUMENTS, List.of(DOCUMENTS.column("id"), DOCUMENTS.version()));
        assertThrows(IllegalArgumentException.class, () -> new Row(layout, new Object[] {"doc-1"}));
        assertThrows(IllegalArgumentException.class,
                () -> RowLayout.of(DOCUMENTS, List.of(DOCUMENTS.column("id"))), "every entity has its ETag");
    }
}
