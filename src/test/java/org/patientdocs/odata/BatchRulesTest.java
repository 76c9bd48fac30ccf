package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class BatchRulesTest {

    private static final BatchRules RULES = new BatchRules(new ServiceConfig.Batch(1024, 3), 50, OData.newInstance(),
            EdmLoader.load().getEdm());

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "continue-on-error                       | true  | continue-on-error",
        "continue-on-error=true                  | true  | continue-on-error",
        "Continue-On-Error=FALSE                 | false | continue-on-error=false",
        "odata.continue-on-error                 | true  | odata.continue-on-error",
        "odata.continue-on-error=false           | false | odata.continue-on-error=false",
        "return=minimal, continue-on-error=false | false | continue-on-error=false",
        "continue-on-error=perhaps               | -     | -",
        "respond-async                           | -     | -"})
    void continueOnErrorIsReadInBothSpellings(String prefer, Boolean value, String applied) {
        for (boolean byDefault : List.of(true, false)) {
            BatchRules.ContinueOnError result = RULES.continueOnError(List.of(prefer), byDefault);
            assertEquals(value == null ? byDefault : value, result.value(), prefer);
            assertEquals(applied, result.applied(), prefer);
        }
    }

    @Test
    void aBatchThatDoesNotSayFollowsItsFormatsDefault() {
        assertEquals(new BatchRules.ContinueOnError(false, null), RULES.continueOnError(null, false));
        assertEquals(new BatchRules.ContinueOnError(true, null), RULES.continueOnError(List.of(), true));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET  | /Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')/$value",
        "PUT  | /Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')/$value",
        "GET  | /Patients('1')/Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')/$value",
        "POST | /Patients('1')/Documents",
        "POST | /Documents",
        "GET  | /Documents(doc-unquoted)/$value",
        "GET  | /Documents/doc-AAAAAAAAAAAAAAAAAAAAAA/$value",
        "POST | /Patients/1/Documents"})
    void documentContentIsRefused(HttpMethod method, String path) {
        ServiceException refused = assertThrows(ServiceException.BadRequest.class,
                () -> RULES.admit(request(method, path, null)));
        assertEquals(ErrorCode.BATCH_OPERATION_REFUSED, refused.code());
        assertEquals(BatchRules.CONTENT_REFUSED, refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET    | /Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')",
        "PATCH  | /Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')",
        "DELETE | /Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')",
        "GET    | /Patients('1')/Documents",
        "POST   | /Patients",
        "GET    | /$metadata",
        "GET    | /Patients/1",
        "GET    | /Documents(doc-unquoted)/$value/x"})
    void everythingElseIsAdmitted(HttpMethod method, String path) {
        // the last one does not parse: its own handler refuses it, as it would outside a batch
        RULES.admit(request(method, path, null));
    }

    @Test
    void anOperationsQueryIsPreparedAsARequestOfItsOwn() {
        ODataRequest request = request(HttpMethod.GET, "/Patients", "$filter=" + "(".repeat(60) + "1 eq 1"
                + ")".repeat(60));
        ServiceException refused = assertThrows(ServiceException.BadRequest.class, () -> RULES.admit(request));
        assertEquals(ErrorCode.QUERY_LIMIT_EXCEEDED, refused.code());
    }

    @Test
    void requestIdentifiersAreUniqueAndOperationsCounted() {
        BatchOperation one = BatchOperation.multipart("1", null, request(HttpMethod.GET, "/Patients", null));
        BatchOperation none = BatchOperation.multipart(null, null, request(HttpMethod.GET, "/Patients", null));
        RULES.check(List.of(one, none, none));
        assertEquals(ErrorCode.INVALID_BODY,
                assertThrows(ServiceException.BadRequest.class, () -> RULES.check(List.of(one, one))).code());
        assertEquals(ErrorCode.BATCH_TOO_MANY_OPERATIONS, assertThrows(ServiceException.BadRequest.class,
                () -> RULES.check(List.of(none, none, none, none))).code());
        assertNull(none.id());
    }

    private static ODataRequest request(HttpMethod method, String path, String query) {
        ODataRequest request = new ODataRequest();
        request.setMethod(method);
        request.setRawBaseUri("http://localhost");
        request.setRawODataPath(path);
        request.setRawQueryPath(query);
        request.setRawRequestUri("http://localhost" + path);
        return request;
    }
}
