package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class QueryTextTest {

    @Test
    void aQueryWithoutNewSyntaxIsPassedOnUntouched() {
        String query = "$filter=file_name%20eq%20'a'&$top=3";
        assertSame(query, QueryText.prepare(query, 32));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "FILTER=a%20eq%201&Top=2&$OrderBy=b | $filter=a%20eq%201&$top=2&$orderby=b",
        "%24filter=a | $filter=a",
        "$COUNT | $count",
        "custom=1&@a='x'&Custom | custom=1&@a='x'&Custom",
        "%zz=1&a%=2 | %zz=1&a%=2"})
    void systemOptionNamesBecomeCanonical(String query, String prepared) {
        assertEquals(prepared, QueryText.prepare(query, 32));
    }

    @Test
    void aLimitBreachNamesTheOptionCanonically() {
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> QueryText.prepare("FILTER=" + "(".repeat(40) + "true" + ")".repeat(40), 32));
        assertEquals("$filter", e.target());
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
    void nestingCountsAsTheParserReadsTheText() {
        // The parser drops a trailing '%': the text it parses is still deep.
        assertThrows(ServiceException.BadRequest.class,
                () -> QueryText.prepare("$filter=" + "(".repeat(40) + "true" + ")".repeat(40) + "%", 32));
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "file_name EQ 'a' AND NOT Contains(file_name,'b') | file_name eq 'a' and not contains(file_name,'b')",
        "Documents/ANY(d:d/file_size_bytes GT 1 Or d/id In ('x'))"
            + " | Documents/any(d:d/file_size_bytes gt 1 or d/id in ('x'))",
        "MatchesPattern(file_name,'^a') | substringof(file_name,'^a')",
        "TOLOWER(id) eq 'EQ' | tolower(id) eq 'EQ'",
        "uploaded_at ADD 'P1D' gt now() | uploaded_at add duration'P1D' gt now()",
        "uploaded_at sub 2026-01-01T00:00:00Z GT 'PT1H' | uploaded_at sub 2026-01-01T00:00:00Z gt duration'PT1H'",
        "'-P1DT2H' lt (uploaded_at sub now()) | duration'-P1DT2H' lt (uploaded_at sub now())",
        "totalseconds('PT1M') eq 60 | totalseconds(duration'PT1M') eq 60",
        "uploaded_at add DURATION'P1D' gt now() | uploaded_at add duration'P1D' gt now()",
        "file_name eq 'P1D' | file_name eq 'P1D'",
        "substring(file_name,1 add 1) eq 'P1D' | substring(file_name,1 add 1) eq 'P1D'",
        "Documents/any(d : d/id eq 'x') and Documents/All(e: e/id ne 'y') | Documents/any(d:d/id eq 'x') and"
            + " Documents/all(e:e/id ne 'y')",
        "description EQ NULL or Patient/first_name ne Null | description eq null or Patient/first_name ne null",
    })
    void fourOhOneSpellingsBecomeTheParsersOnes(String written, String parsed) {
        assertEquals("$filter=" + PercentCoding.encode(parsed),
                QueryText.prepare("$filter=" + PercentCoding.encode(written), 32));
    }

    @Test
    void orderDirectionsAndExpandOptionsAreNormalisedButNotSearchTerms() {
        assertEquals("$orderby=" + PercentCoding.encode("file_name desc,id asc"),
                QueryText.prepare("$orderby=" + PercentCoding.encode("file_name DESC,id Asc"), 32));
        assertEquals("$expand=" + PercentCoding.encode("Documents($filter=id eq 'a';$search=a OR \"b'c\";$top=1)"),
                QueryText.prepare("$expand=" + PercentCoding.encode(
                        "Documents($filter=id EQ 'a';$search=a OR \"b'c\";$top=1)"), 32));
    }

    @ParameterizedTest
    @ValueSource(strings = {"$deltatoken=1", "$index=1", "$expand=Documents/$ref($compute=1 add 1 as x)",
        "$expand=Documents($expand=Patient/$count($compute=1 add 1 as x))", "$expand=*($compute=1 add 1 as x)",
        "$expand=Documents($compute=a as x,x add 1 as y;$select=y)", "$INDEX"})
    void optionsNotImplementedAreRefusedByName(String query) {
        ServiceException e = assertThrows(ServiceException.NotImplemented.class,
                () -> QueryText.prepare(query, 32));
        assertTrue(e.getMessage().matches(".*\\$(compute|deltatoken|index).*"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"$compute=a%20as%20x&$compute=b%20as%20y", "$compute=a%20as%20x&compute=b%20as%20y",
        "COMPUTE=a%20as%20x&$Compute=a%20as%20x"})
    void computeGivenTwiceIsRefusedRatherThanTheLastOneKept(String query) {
        ServiceException.BadRequest e = assertThrows(ServiceException.BadRequest.class,
                () -> QueryText.prepare(query, 20));
        assertEquals(ErrorCode.INVALID_QUERY_OPTION, e.code());
        assertEquals("$compute", e.target());
    }

    @Test
    void computeBecomesAComputeTransformationAfterTheApply() {
        assertEquals("$top=1&$apply=" + PercentCoding.encode("compute(file_size_bytes div 1024 as kb)"),
                QueryText.prepare("COMPUTE=" + PercentCoding.encode("file_size_bytes DIV 1024 as kb") + "&$top=1", 32));
        assertEquals("$apply=" + PercentCoding.encode("groupby((document_type))/compute(length(document_type) as l)"),
                QueryText.prepare("$compute=" + PercentCoding.encode("length(document_type) as l") + "&$apply="
                        + PercentCoding.encode("groupby((document_type))"), 32));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // without $select every computed property is shown
        "$compute=a div 2 as half&$expand=Patient | $expand=Patient&patientdocs.compute=compute(a div 2 as half)",
        // with $select: those it names, then those it does not; the $select keeps the declared ones
        "$Compute=a as x,b as y&$select=name,y | patientdocs.compute=compute(b as y)/compute(a as x)&$select=name",
        "$compute=a as x&$select=x&@p=1 | @p=1&patientdocs.compute=compute(a as x)/identity",
        "compute=a as x&$select=*,x | patientdocs.compute=compute(a as x)&$select=*"})
    void computeOnOneEntityBecomesACustomOptionBesideTheDeclaredSelect(String query, String prepared) {
        assertEquals(encoded(prepared), QueryText.prepare(encoded(query), 32, () -> true));
        assertEquals(encoded("$apply=" + prepared.substring(prepared.indexOf("compute=") + "compute=".length())
                .replaceAll("&\\$select=.*", "")) + (prepared.startsWith("@p=1") ? "&@p=1" : ""),
                QueryText.entityComputation(encoded(prepared)));
        assertTrue(QueryText.prepare(encoded(query), 32, () -> false).contains("$apply="),
                "a request that reads no single entity computes in its $apply");
    }

    @Test
    void aClientsOwnEntityComputationOptionIsRefused() {
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> QueryText.prepare("patientdocs.compute=" + PercentCoding.encode("compute(1 as x)"), 32));
        assertTrue(e.getMessage().contains("$compute"), e.getMessage());
    }

    /** Each option's value percent-encoded, as a client sends it. */
    private static String encoded(String query) {
        List<String> params = new ArrayList<>();
        for (String param : query.split("&")) {
            int eq = param.indexOf('=');
            params.add(param.substring(0, eq + 1) + PercentCoding.encode(param.substring(eq + 1)));
        }
        return String.join("&", params);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // without $select every computed property is shown
        "Documents($compute=size div 2 as half;$filter=half gt 1;$top=2)"
            + " | Documents($apply=compute(size div 2 as half)/filter(half gt 1);$top=2)",
        // with $select: those it names, then those it does not
        "Documents($Compute=a as x,b as y;$select=name,y;$orderby=x desc)"
            + " | Documents($apply=compute(b as y)/compute(a as x)/orderby(x desc);$select=name)",
        "Documents(compute=a as x;select=id)"
            + " | Documents($apply=identity/compute(a as x);$select=id)",
        "Documents($compute=a as x;$select=x)"
            + " | Documents($apply=compute(a as x)/identity)",
        "Patient($expand=Documents($compute=a as x;$select=*))"
            + " | Patient($expand=Documents($apply=compute(a as x);$select=*))"})
    void computeInsideExpandBecomesTheItemsApplyWithItsFilterAndOrder(String expand, String prepared) {
        String query = "$expand=" + PercentCoding.encode(expand);
        assertEquals("$expand=" + PercentCoding.encode(prepared), QueryText.prepare(query, 32));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Documents($compute=size div 2 as half;$filter=half gt 1;$top=2)",
        "Documents($compute=b as y,a as x;$select=name,y;$orderby=x desc;$count=true)",
        "Documents($compute=a as x;$select=id)", "Documents($compute=a as x;$select=x)",
        "Patient($select=id;$expand=Documents($compute=a as x;$select=*))"})
    void linksRepeatComputeInsideExpandAsTheClientWroteIt(String expand) {
        String prepared = QueryText.prepare("$expand=" + PercentCoding.encode(expand), 32);
        String restored = PercentCoding.decode(QueryText.restore(prepared).substring("$expand=".length()));
        assertEquals(PercentCoding.decode(prepared.substring("$expand=".length())),
                PercentCoding.decode(QueryText.prepare("$expand=" + PercentCoding.encode(restored), 32)
                        .substring("$expand=".length())), restored);
        assertTrue(restored.contains("$compute=") && !restored.contains("$apply"), restored);
    }

    @Test
    void aClientsApplyInsideExpandIsRefusedByName() {
        ServiceException e = assertThrows(ServiceException.NotImplemented.class, () -> QueryText.prepare(
                "$expand=" + PercentCoding.encode("Documents($apply=aggregate($count as n))"), 32));
        assertTrue(e.getMessage().contains("$apply"), e.getMessage());
    }

    @Test
    void theCurrentSchemaVersionIsHonouredAndOthersDoNotExist() {
        assertEquals("$top=1", QueryText.prepare("$schemaversion=*&$top=1", 32));
        ServiceException e = assertThrows(ServiceException.NotFound.class,
                () -> QueryText.prepare("$schemaversion=2", 32));
        assertTrue(e.getMessage().contains("$schemaversion"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "$filter=hassubset(['a'],['a'])|hassubset",
        "$filter=HasSubsequence(['a'],['a'])|hassubsequence",
        "$orderby=CASE(id eq '1':1,true:2)|case",
        "$expand=Documents($filter=document_type eq @a;@a='x')|@a"})
    void fourOhOneConstructsTheServiceLacksAreRefusedByName(String query, String named) {
        ServiceException e = assertThrows(ServiceException.NotImplemented.class, () -> QueryText.prepare(query, 32));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void aFunctionNameInsideAStringIsNotACall() {
        assertEquals("$filter=file_name eq 'case(1)'", QueryText.prepare("$filter=file_name eq 'case(1)'", 32));
    }
}
