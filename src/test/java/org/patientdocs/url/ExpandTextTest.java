package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class ExpandTextTest {

    @Test
    void itemsKeepTheirOptionsAsWritten() {
        Map<String, Map<String, String>> items = ExpandText.items(
                "Documents($filter=file_name eq 'a;b,(c';$orderby=file_name desc;$top=2),Patient");
        assertEquals(Map.of("$filter", "file_name eq 'a;b,(c'", "$orderby", "file_name desc", "$top", "2"),
                items.get("Documents"));
        assertEquals(Map.of(), items.get("Patient"));
    }

    @Test
    void nestedExpandsStayOneOption() {
        assertEquals(Map.of("$expand", "Patient($expand=Documents($top=1;$skip=2))", "$count", "true"),
                ExpandText.items("Documents($expand=Patient($expand=Documents($top=1;$skip=2));$count=true)")
                        .get("Documents"));
    }

    @Test
    void searchPhrasesMayHoldSeparatorsAndQuotes() {
        assertEquals(Map.of("$search", "\"a;b) O'Brien \\\" x\"", "$top", "1"),
                ExpandText.items("Documents($search=\"a;b) O'Brien \\\" x\";$top=1)").get("Documents"));
    }

    @Test
    void aCountPathIsItsOwnItem() {
        assertEquals(Map.of(), ExpandText.items("Documents/$count").get("Documents/$count"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Documents($top=1;$top=2)           | $top",
        "Documents($top=1;top=2)            | top",
        "Documents($TOP=1;$top=2)           | $top",
        "Documents($filter=a eq 1;$count)   | $count",
        "Documents(custom=1;custom=2)       | custom",
    })
    void anOptionGivenTwiceOrWithoutAValueIsRefused(String expand, String named) {
        ServiceException.BadRequest e = assertThrows(ServiceException.BadRequest.class,
                () -> ExpandText.items(expand));
        assertEquals(ErrorCode.INVALID_QUERY_OPTION, e.code());
        assertEquals(named, e.target());
    }

    @Test
    void differentOptionsAndEmptySeparatorsPass() {
        assertEquals(Map.of("$top", "1", "$skip", "2", "custom", "1", "Custom", "2"),
                ExpandText.items("Documents($top=1;;$skip=2;custom=1;Custom=2;)").get("Documents"));
    }
}
