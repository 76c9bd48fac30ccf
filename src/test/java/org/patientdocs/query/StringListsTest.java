package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/** Lists of strings in {@code $filter}: one rule per test, the SQL and its bind parameters on real parsed URIs. */
class StringListsTest {

    private static void assertSql(String filter, String sql, Object... params) {
        SqlFragment fragment = Parsed.filter("AuditEvents", filter);
        assertEquals(sql, fragment.sql());
        assertEquals(List.of(params), fragment.params());
    }

    @Test
    void anyComparesTheValueWithEachElement() {
        assertSql("document_ids/any(d: d eq 'doc-1')", "COALESCE(? = ANY(t0.document_ids), FALSE)", "doc-1");
    }

    @Test
    void theVariableMayStandOnEitherSide() {
        assertSql("patient_ids/any(p: '12345' eq p)", "COALESCE(? = ANY(t0.patient_ids), FALSE)", "12345");
    }

    @Test
    void anOrderingTurnsRoundWhenTheElementMovesToTheRight() {
        assertSql("document_ids/any(d: d lt 'doc-m')", "COALESCE(? > ANY(t0.document_ids), FALSE)", "doc-m");
        assertSql("document_ids/any(d: 'doc-m' lt d)", "COALESCE(? < ANY(t0.document_ids), FALSE)", "doc-m");
    }

    @Test
    void allComparesEveryElement() {
        assertSql("patient_ids/all(p: p ne 'p1')", "COALESCE(? <> ALL(t0.patient_ids), FALSE)", "p1");
    }

    @Test
    void notOfAnyIsTrueForAListWithoutTheValue() {
        assertSql("not document_ids/any(d: d eq 'doc-1')", "(NOT COALESCE(? = ANY(t0.document_ids), FALSE))",
                "doc-1");
    }

    @Test
    void anyWithoutAConditionMeansTheListIsNotEmpty() {
        assertSql("document_ids/any()", "(COALESCE(CARDINALITY(t0.document_ids), 0) > 0)");
    }

    @Test
    void countIsTheListsLength() {
        assertSql("document_ids/$count gt 2", "(COALESCE(CARDINALITY(t0.document_ids), 0) > ?)", 2L);
    }

    @Test
    void onPostgresqlTheValueComparesByCodePoint() {
        SqlFragment fragment = Parsed.filter(Dialect.POSTGRESQL, "AuditEvents", "document_ids/any(d: d eq 'doc-1')");
        assertEquals("COALESCE((? COLLATE \"C\") = ANY(t0.document_ids), FALSE)", fragment.sql());
    }

    @Test
    void aConditionOtherThanOneComparisonOfTheVariableIsNotImplemented() {
        for (String filter : List.of("document_ids/any(d: d eq 'a' or d eq 'b')",
                "document_ids/any(d: startswith(d,'doc-'))", "document_ids/any(d: d eq d)")) {
            ServiceException e = assertThrows(ServiceException.NotImplemented.class,
                    () -> Parsed.filter("AuditEvents", filter), filter);
            assertEquals(ErrorCode.QUERY_FEATURE_UNSUPPORTED, e.code(), filter);
            assertEquals("$filter", e.target(), filter);
        }
    }
}
