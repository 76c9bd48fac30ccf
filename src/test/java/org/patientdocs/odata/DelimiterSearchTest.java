package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DelimiterSearchTest {

    private static final DelimiterSearch SEARCH = new DelimiterSearch(bytes("\r\n--abc"));

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** '|' marks where the search must stop; '~' stands for CR and '^' for LF. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'data|~^--abc tail'",
        "'|~^--abc'",
        "'~^--ab~^--a~^--abX|~^--abc'",
        "'no delimiter at all|'",
        "'cut off at the end |~^--a'",
        "'cut off after CR |~'",
        "'~^--abX~^-X~|~^--ab'",
        "'~~~~~~~|~^--abc'",
    })
    void stopsAtTheFirstWholeOrCutOffDelimiter(String marked) {
        String text = marked.replace('~', '\r').replace('^', '\n');
        int expected = text.indexOf('|');
        byte[] buffer = bytes(text.replace("|", ""));
        assertEquals(expected, SEARCH.find(buffer, 0, buffer.length));
    }
}
