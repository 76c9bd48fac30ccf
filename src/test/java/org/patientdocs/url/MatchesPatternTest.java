package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class MatchesPatternTest {

    @Test
    void theParserSeesSubstringofAndLinksShowMatchesPatternAgain() {
        String written = "matchesPattern(file_name,'^a') or not matchesPattern(id,'b')";
        String parsed = MatchesPattern.toParser(written, "$filter");
        assertEquals("substringof(file_name,'^a') or not substringof(id,'b')", parsed);
        assertEquals(written, MatchesPattern.fromParser(parsed));
    }

    @Test
    void onlyWholeFunctionNamesOutsideStringsAreRenamed() {
        String text = "file_name eq 'matchesPattern(x)' and x.matchesPattern(y) and my_matchesPattern(z)";
        assertEquals(text, MatchesPattern.toParser(text, "$filter"));
        assertEquals("description eq 'substringof(x)'", MatchesPattern.fromParser("description eq 'substringof(x)'"));
    }

    @Test
    void odataTwosSubstringofIsRefusedNamingTheOption() {
        ServiceException e = assertThrows(ServiceException.NotImplemented.class,
                () -> MatchesPattern.toParser("substringof('a',file_name)", "@p"));
        assertEquals(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, e.code());
        assertEquals("@p", e.target());
    }
}
