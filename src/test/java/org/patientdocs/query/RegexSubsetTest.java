package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class RegexSubsetTest {

    @ParameterizedTest(name = "{0}")
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
        // a group that repeats inside, followed by something else that repeats: no nesting
        "(a*)b+ (a*)b+",
        "(a+)|b* (a+)|b*",
        "(a)(b*)c{2} (a)(b*)c{2}",
        // the largest bounds allowed
        "a{255} a{255}",
        "a{0,255} a{0,255}",
        "a{3,3}b{2,} a{3,3}b{2,}",
    })
    void thePortableSubsetIsAcceptedAndDollarIsTheEndOfTextInJava(String pattern, String java) {
        RegexSubset.Checked checked = RegexSubset.check(pattern, "$filter");
        assertEquals(java, checked.forJava());
        assertEquals(pattern, checked.forPostgres());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\\bword      | the escape \\b",
        "\\1          | the escape \\1",
        "\\uFFFF      | the escape \\u",
        "[\\D]        | the escape \\D",
        "(?=a)        | look-around, named groups and inline flags",
        "(?i)a        | look-around, named groups and inline flags",
        "(?<n>a)      | look-around, named groups and inline flags",
        "[[:alpha:]]  | '[' inside a character class (escape it)",
        "[a&&b]       | '&' inside a character class (escape it)",
        "a{300}       | repetition bounds above 255",
        "a{256}       | repetition bounds above 255",
        "a{1,256}     | repetition bounds above 255",
        "a{1000}      | repetition bounds above 255",
        "a{2,99999999999999999999} | repetition bounds above 255",
        // nested repetition, which makes Java's backtracking engine (H2) take exponential time
        "(a+)+b       | a repeated group that itself repeats",
        "((a*))*      | a repeated group that itself repeats",
        "(?:x{2,}y)+  | a repeated group that itself repeats",
        "(a(b)+)*     | a repeated group that itself repeats",
        "\"(?:a|b*){2}\" | a repeated group that itself repeats",
    })
    void whatTheStoresReadDifferentlyIsNotImplemented(String pattern, String what) {
        ServiceException e = assertThrows(ServiceException.NotImplemented.class,
                () -> RegexSubset.check(pattern, "$filter"));
        assertEquals(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, e.code());
        assertEquals("$filter", e.target());
        assertEquals("matchesPattern does not support " + what, e.getMessage());
    }

    @ParameterizedTest(name = "{0} characters")
    @CsvSource({"256, false", "257, true"})
    void aPatternOverTwoHundredFiftySixCharactersIsNotImplemented(int length, boolean refused) {
        String pattern = "a".repeat(length);
        if (refused) {
            ServiceException e = assertThrows(ServiceException.NotImplemented.class,
                    () -> RegexSubset.check(pattern, "$filter"));
            assertEquals("matchesPattern does not support patterns longer than 256 characters", e.getMessage());
        } else {
            assertEquals(pattern, RegexSubset.check(pattern, "$filter").forJava());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "(a     | an unclosed group at position 2",
        "a)     | an unmatched ')' at position 1",
        "*a     | a quantifier with nothing to repeat at position 0",
        "(*a)   | a quantifier with nothing to repeat at position 1",
        "a**    | a quantifier after a quantifier at position 2",
        "a{2}+  | a quantifier after a quantifier at position 4",
        "[a     | an unclosed character class at position 2",
        "[]     | an empty character class at position 1",
        "a\\    | a trailing backslash at position 1",
        "a{2    | a repetition other than {n}, {n,} or {n,m} at position 1",
        "a{,2}  | a repetition other than {n}, {n,} or {n,m} at position 1",
        "a{3,1}x | a repetition {3,1} whose lower bound exceeds its upper one at position 1",
        "a{300,1} | a repetition {300,1} whose lower bound exceeds its upper one at position 1",
        "a{99999999999999999999,1} | a repetition {99999999999999999999,1} whose lower bound exceeds its upper one"
                + " at position 1",
        "}      | an unescaped '}' at position 0",
        "]      | an unescaped ']' at position 0",
    })
    void malformedPatternsAreBadRequestsNamingWhereTheyBreak(String pattern, String what) {
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> RegexSubset.check(pattern, "$filter"));
        assertEquals(ErrorCode.INVALID_PATTERN, e.code());
        assertEquals("$filter", e.target());
        assertEquals("The matchesPattern pattern has " + what, e.getMessage());
    }
}
