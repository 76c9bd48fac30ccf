package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class NextLinksTest {

    @Test
    void aPageLinkKeepsEveryOptionAsWrittenAndReplacesTheSkipToken() {
        assertEquals("http://h/Documents?$filter=matchesPattern(file_name,'a')&$top=5&$skiptoken=new",
                NextLinks.page("http://h", "/Documents", "$filter=substringof(file_name,'a')&$skiptoken=old&$top=5",
                        "new").toString());
    }

    @Test
    void aPageLinkWithoutOptionsHasOnlyTheSkipToken() {
        assertEquals("http://h/Documents?$skiptoken=t", NextLinks.page("http://h", "/Documents", null, "t").toString());
        assertEquals("http://h/Documents?$skiptoken=t", NextLinks.page("http://h", "/Documents", "", "t").toString());
    }

    @Test
    void whatAClientSentUnencodedIsEscapedInTheLink() {
        assertEquals("http://h/Documents?$filter=file_name%20eq%20'a%7Cb%C3%BC'&$skiptoken=t",
                NextLinks.page("http://h", "/Documents", "$filter=file_name eq 'a|bü'", "t").toString());
    }

    @Test
    void anExpandedLinkRepeatsTheExpandsOptionsAndAliasesAndContinuesAfterTheInlineRows() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("$filter", "file_name eq @p or substringof(file_name,'a&b')");
        options.put("$top", "5");
        options.put("$skip", "1");
        options.put("$orderby", "id desc");
        assertEquals("http://h/Patients('1')/Documents?$filter=file_name%20eq%20@p%20or%20"
                        + "matchesPattern(file_name,'a%26b')&$orderby=id%20desc&$skip=3&$top=3&@p='x%2By'",
                NextLinks.expanded("http://h/Patients('1')/Documents", options, 3, 3, Map.of("@p", "'x+y'"))
                        .toString());
    }

    @Test
    void anExpandedLinkWithoutATopHasNone() {
        assertEquals("http://h/Patients('1')/Documents?$skip=2",
                NextLinks.expanded("http://h/Patients('1')/Documents", Map.of(), 2, null, Map.of()).toString());
    }
}
