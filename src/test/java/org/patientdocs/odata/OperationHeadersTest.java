package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.prefer.Preferences.Return;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperationHeadersTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST | return=minimal | return=\"minimal\"",
        "PATCH | return=representation | return=\"representation\"",
        "PUT | odata.maxpagesize=5, RETURN = Minimal | odata.maxpagesize=5, RETURN = \"minimal\"",
        "POST | return=minimal; x=1 | return=\"minimal\"; x=1",
        "POST | return=\"minimal\" | return=\"minimal\"",
        "POST | returnx=minimal | returnx=minimal",
        "GET | return=minimal | return=minimal",
        "DELETE | return=minimal | return=minimal",
    })
    void aReturnPreferenceOnAChangeReachesOlingoQuoted(String method, String prefer, String forOlingo) {
        assertEquals(List.of(forOlingo), OperationHeaders.forOlingo(method, "Prefer", List.of(prefer)));
    }

    @Test
    void theQuotedPreferenceMeansTheSameToOlingo() {
        List<String> quoted = OperationHeaders.forOlingo("POST", "prefer", List.of("return=minimal"));
        assertEquals(Return.MINIMAL, OData.newInstance().createPreferences(quoted).getReturn());
    }

    @Test
    void isolationInEitherSpellingIsRefused() {
        assertNotNull(OperationHeaders.refusal(Map.of("Isolation", "snapshot")::get));
        assertNotNull(OperationHeaders.refusal(Map.of("OData-Isolation", "snapshot")::get));
        assertNull(OperationHeaders.refusal(Map.of("Prefer", "return=minimal")::get));
    }
}
