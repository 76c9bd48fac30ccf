package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ServiceException;

class RegexSubsetTest {

    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {
        "^abc$ ^abc\\z",
        "a.b a.b",
        "[a-z]+\\.pdf [a-z]+\\.pdf",
        "[^,]*,\\d{2,4}? [^,]*,\\d{2,4}?",
        "(?:pdf|PDF)$ (?:pdf|PDF)\\z",
        "\\w\\s\\W\\S\\D \\w\\s\\W\\S\\D",
        "[\\d\\w-] [\\d\\w-]",
        "a{3} a{3}",
        "x*?y+? x*?y+?",
        "[$] [$]",
        "(ab)+(c*) (ab)+(c*)",
    })
    void thePortableSubsetIsAcceptedAndDollarIsTheEndOfTextInJava(String pattern, String java) {
        RegexSubset.Checked checked = RegexSubset.check(pattern, "$filter");
        assertEquals(java, checked.forJava());
        assertEquals(pattern, checked.forPostgres());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\bword", "(?=a)", "(?i)a", "\\1", "[[:alpha:]]", "[a&&b]", "a{300}", "\\uFFFF",
        "[\\D]", "(?<n>a)", "(a+)+b", "((a*))*", "(?:x{2,}y)+"})
    void whatTheStoresReadDifferentlyIsNotImplemented(String pattern) {
        assertThrows(ServiceException.NotImplemented.class, () -> RegexSubset.check(pattern, "$filter"));
    }

    @Test
    void aVeryLongPatternIsNotImplemented() {
        assertThrows(ServiceException.NotImplemented.class, () -> RegexSubset.check("a".repeat(257), "$filter"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"(a", "a)", "*a", "a**", "[a", "[]", "a\\", "a{2", "a{3,1}x", "}"})
    void malformedPatternsAreBadRequests(String pattern) {
        assertThrows(ServiceException.class, () -> RegexSubset.check(pattern, "$filter"));
    }
}
