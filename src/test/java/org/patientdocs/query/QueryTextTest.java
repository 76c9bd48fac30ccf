package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class QueryTextTest {

    @Test
    void aQueryWithoutNewSyntaxIsPassedOnUntouched() {
        String query = "$filter=file_name%20eq%20'a'&$top=3";
        assertSame(query, QueryText.prepare(query, 32));
    }

    @Test
    void nestingBeyondTheLimitIsRefusedBeforeParsing() {
        String deep = "$filter=" + "(".repeat(1000) + "true" + ")".repeat(1000);
        ServiceException e = assertThrows(ServiceException.BadRequest.class, () -> QueryText.prepare(deep, 32));
        assertEquals(ErrorCode.QUERY_LIMIT_EXCEEDED, e.code());
        assertEquals("$filter", e.target());
        assertTrue(e.getMessage().contains("query.max-nesting-depth is 32"), e.getMessage());
    }

    @Test
    void encodedParenthesesCountToo() {
        assertThrows(ServiceException.BadRequest.class,
                () -> QueryText.prepare("$filter=" + "%28".repeat(40) + "true" + "%29".repeat(40), 32));
    }

    @Test
    void parenthesesInsideStringLiteralsDoNotCount() {
        String query = "$filter=file_name%20eq%20'" + "(".repeat(50) + "'";
        assertSame(query, QueryText.prepare(query, 32));
    }

    @Test
    void nestingExactlyAtTheLimitIsAccepted() {
        String query = "$filter=" + "(".repeat(32) + "true" + ")".repeat(32);
        assertSame(query, QueryText.prepare(query, 32));
    }

    @Test
    void divbyBecomesDecimalDivision() {
        assertEquals("$filter=a%20mul%201.0%20div%202%20gt%201",
                QueryText.prepare("$filter=a%20divby%202%20gt%201", 32));
    }

    @Test
    void matchesPatternIsHandedToTheParserAsSubstringof() {
        assertEquals("$filter=substringof(file_name,'%5Ea')",
                QueryText.prepare("$filter=matchesPattern(file_name,'%5Ea')", 32));
    }

    @Test
    void wordsInsideStringLiteralsAreNotRewritten() {
        String query = "$filter=file_name%20eq%20'x%20divby%20y%20matchesPattern(z)'";
        assertSame(query, QueryText.prepare(query, 32));
    }

    @Test
    void odataTwosSubstringofIsNotImplemented() {
        ServiceException e = assertThrows(ServiceException.NotImplemented.class,
                () -> QueryText.prepare("$filter=substringof('a',file_name)", 32));
        assertEquals(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, e.code());
    }

    @Test
    void aliasesAndExpandOptionsAreRewrittenToo() {
        assertEquals("@p=substringof(file_name,'a')&$expand=Documents($filter=substringof(file_name,'b'))",
                QueryText.prepare("@p=matchesPattern(file_name,'a')&$expand=Documents($filter=matchesPattern("
                        + "file_name,'b'))", 32));
    }

    @Test
    void restoreGivesBackMatchesPattern() {
        assertEquals("$filter=matchesPattern(file_name,'a')&$top=1",
                QueryText.restore("$filter=substringof(file_name,'a')&$top=1"));
    }

    @Test
    void malformedPercentEncodingIsLeftToTheParser() {
        assertSame("$filter=%zz", QueryText.prepare("$filter=%zz", 32));
    }

    @Test
    void encodeKeepsODataPunctuationAndEncodesTheRest() {
        assertEquals("a%20eq%20'%C3%BC%25%26%2B%23'", QueryText.encode("a eq 'ü%&+#'"));
    }
}
