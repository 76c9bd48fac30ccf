package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.error.ServiceException;
import org.patientdocs.odata.EdmLoader;

class FilterTranslatorTest {

    private static final ServiceMetadata METADATA = EdmLoader.load();
    private static final ColumnMap COLUMNS = ColumnMap.fromEdm(METADATA.getEdm(), EdmLoader.NAMESPACE,
            Map.of("Patient", "patient", "Document", "document"));

    static UriInfo parse(String path, String query) {
        try {
            return new Parser(METADATA.getEdm(), OData.newInstance()).parseUri(path, query, null, "http://h/");
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static SqlFragment filter(String filter) {
        UriInfo uri = parse("Documents", "$filter=" + filter);
        ColumnMap.Table table = COLUMNS.table(METADATA.getEdm().getEntityContainer().getEntitySet("Documents")
                .getEntityType());
        return new FilterTranslator(table, "$filter").translate(uri.getFilterOption().getExpression());
    }

    @Test
    void stringEqualityOnANonNullableColumnIsAPlainComparison() {
        SqlFragment sql = filter("file_name eq 'a.pdf'");
        assertEquals("(file_name = ?)", sql.sql());
        assertEquals(List.of("a.pdf"), sql.params());
    }

    @Test
    void doubledQuotesInAStringLiteralAreOneQuote() {
        assertEquals(List.of("O'Brien.pdf"), filter("file_name eq 'O''Brien.pdf'").params());
    }

    @Test
    void equalityOnANullableColumnIsFalseForNull() {
        SqlFragment sql = filter("document_type eq 'Referral'");
        assertEquals("((document_type = ?) AND document_type IS NOT NULL)", sql.sql());
        assertEquals(List.of("Referral"), sql.params());
    }

    @Test
    void inequalityOnANullableColumnIsTrueForNull() {
        assertEquals("((document_type <> ?) OR document_type IS NULL)", filter("document_type ne 'Referral'").sql());
    }

    @Test
    void comparisonWithNullRendersIsNull() {
        assertEquals("(description IS NULL)", filter("description eq null").sql());
        assertEquals("(description IS NOT NULL)", filter("description ne null").sql());
    }

    @ParameterizedTest
    @CsvSource({
        "file_size_bytes gt 100, (file_size_bytes > ?)",
        "file_size_bytes ge 100, (file_size_bytes >= ?)",
        "file_size_bytes lt 100, (file_size_bytes < ?)",
        "file_size_bytes le 100, (file_size_bytes <= ?)",
    })
    void orderingOperatorsBindTheirLiteral(String filter, String sql) {
        SqlFragment fragment = filter(filter);
        assertEquals(sql, fragment.sql());
        assertEquals(List.of(100L), fragment.params());
    }

    @Test
    void dateTimeOffsetLiteralsKeepTheirInstant() {
        SqlFragment sql = filter("uploaded_at ge 2026-01-15T09:00:00+02:00");
        assertEquals("(uploaded_at >= ?)", sql.sql());
        assertEquals(OffsetDateTime.parse("2026-01-15T09:00:00+02:00"), sql.params().get(0));
    }

    @Test
    void logicalOperatorsKeepParameterOrder() {
        SqlFragment sql = filter("file_size_bytes gt 1 and (file_name eq 'x' or not (file_size_bytes eq 3))");
        assertEquals("((file_size_bytes > ?) AND ((file_name = ?) OR (NOT (file_size_bytes = ?))))", sql.sql());
        assertEquals(List.of(1L, "x", 3L), sql.params());
    }

    @Test
    void containsEscapesWildcards() {
        SqlFragment sql = filter("contains(file_name,'50%25_off\\')");
        assertEquals("(file_name LIKE ? ESCAPE '\\')", sql.sql());
        assertEquals(List.of("%50\\%\\_off\\\\%"), sql.params());
    }

    @Test
    void startswithOnANullableColumnExcludesNull() {
        SqlFragment sql = filter("startswith(description,'Ref')");
        assertEquals("((description LIKE ? ESCAPE '\\') AND description IS NOT NULL)", sql.sql());
        assertEquals(List.of("Ref%"), sql.params());
    }

    @Test
    void unsupportedFunctionIsNotImplemented() {
        assertThrows(ServiceException.NotImplemented.class, () -> filter("year(uploaded_at) eq 2026"));
    }

    @Test
    void patientBirthDateComparesAsDate() {
        UriInfo uri = parse("Patients", "$filter=birth_date lt 2000-01-01");
        ColumnMap.Table table = COLUMNS.table(METADATA.getEdm().getEntityContainer().getEntitySet("Patients")
                .getEntityType());
        SqlFragment sql = new FilterTranslator(table, "$filter").translate(uri.getFilterOption().getExpression());
        assertEquals("((birth_date < ?) AND birth_date IS NOT NULL)", sql.sql());
        assertEquals(List.of(LocalDate.of(2000, 1, 1)), sql.params());
    }
}
