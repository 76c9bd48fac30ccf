package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

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
}
