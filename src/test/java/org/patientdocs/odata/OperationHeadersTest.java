package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.prefer.Preferences.Return;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.error.ErrorResponse;
import org.patientdocs.error.ServiceException;

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
        assertNotNull(OperationHeaders.refusal("GET", headers("Isolation", "snapshot")));
        assertNotNull(OperationHeaders.refusal("POST", headers("OData-Isolation", "snapshot")));
        assertNull(OperationHeaders.refusal("POST", headers("Prefer", "return=minimal")));
    }

    /** Olingo refuses only return=minimal and return=representation alone in the header; every spelling is. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET | return=minimal",
        "GET | RETURN=Minimal",
        "GET | return=\"representation\"",
        "DELETE | odata.maxpagesize=5, return=minimal",
        "HEAD | return = minimal; x=1",
        "GET | return",
    })
    void aReturnPreferenceOfARequestThatChangesNothingIsRefusedInEverySpelling(String method, String prefer) {
        ServiceException refused = OperationHeaders.refusal(method, headers("Prefer", prefer));
        assertNotNull(refused, prefer);
        assertEquals(400, ErrorResponse.of(refused).status());
        assertTrue(refused.getMessage().contains("return"), refused.getMessage());
        assertTrue(refused.getMessage().contains(method), refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET | odata.maxpagesize=5",
        "GET | returnx=minimal",
        "GET | odata.track-changes, respond-async",
        "PATCH | return=minimal",
    })
    void otherPreferencesAndChangesPass(String method, String prefer) {
        assertNull(OperationHeaders.refusal(method, headers("Prefer", prefer)));
    }

    @Test
    void aReturnPreferenceInASecondPreferHeaderIsFound() {
        Map<String, List<String>> headers = Map.of("Prefer", List.of("odata.maxpagesize=5", "return=minimal"));
        assertNotNull(OperationHeaders.refusal("GET", headers::get));
    }

    private static Function<String, List<String>> headers(String name, String value) {
        return Map.of(name, List.of(value))::get;
    }
}
