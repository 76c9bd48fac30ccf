package org.patientdocs.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ErrorResponseTest {

    @Test
    void everyUnavailableAnswerSaysWhenToTryAgain() {
        for (ErrorResponse unavailable : new ErrorResponse[] {
                ErrorResponse.of(new ServiceException.ServiceUnavailable("down", new IOException())),
                ErrorResponse.ofStatus(503, "Service Unavailable")}) {
            assertEquals(503, unavailable.status());
            assertEquals("SERVICE_UNAVAILABLE", unavailable.code());
            assertEquals("5", unavailable.headers().get("Retry-After"), unavailable.toString());
        }
    }

    @Test
    void aCallerOverItsRateLimitIsToldWhenItWillBeAdmitted() {
        ErrorResponse tooMany = ErrorResponse.of(new ServiceException.TooManyRequests("Over the limit", 7));
        assertEquals(429, tooMany.status());
        assertEquals("TOO_MANY_REQUESTS", tooMany.code());
        assertEquals("7", tooMany.headers().get("Retry-After"));
        assertEquals("1", ErrorResponse.of(new ServiceException.TooManyRequests("Over the limit", 0)).headers()
                .get("Retry-After"), "never sooner than a second: Retry-After counts whole seconds");
    }

    @Test
    void aRequestThatDidNotArriveInTimeIsARequestTimeout() {
        ErrorResponse slow = ErrorResponse.of(new ServiceException.RequestTimeout("too slow", null));
        assertEquals(408, slow.status());
        assertEquals("REQUEST_TIMEOUT", slow.code());
        assertEquals("REQUEST_TIMEOUT", ErrorResponse.ofStatus(408, "Request Timeout").code());
        assertFalse(slow.headers().containsKey("Retry-After"));
    }

    @Test
    void everyErrorSaysItsMediaTypeAndODataVersion() {
        Map<String, String> headers = ErrorResponse.of(new ServiceException.NotFound("No such patient")).headers();
        assertEquals(Map.of("Content-Type", "application/json;odata.metadata=minimal", "OData-Version", "4.0"),
                headers);
        assertFalse(ErrorResponse.internal("abc").headers().containsKey("Retry-After"));
    }

    @Test
    void everyRefusalOfCredentialsIsAChallengeThatSaysInvalidTokenOnlyForARejectedToken() {
        assertEquals("Bearer realm=\"patientdocs\"",
                ErrorResponse.of(new ServiceException.Unauthorized("The x-api-key header is required")).headers()
                        .get("WWW-Authenticate"));
        assertEquals("Bearer realm=\"patientdocs\", error=\"invalid_token\", error_description=\"The 'token' is'"
                        + "not valid\"",
                ErrorResponse.of(ServiceException.Unauthorized.invalidToken("The \"token\" is\nnot valid")).headers()
                        .get("WWW-Authenticate"));
        assertEquals("Bearer realm=\"patientdocs\"", ErrorResponse.ofStatus(401, "Unauthorized").headers()
                .get("WWW-Authenticate"));
    }

    @Test
    void aMissingScopeIsA403WhoseChallengeNamesTheScope() {
        ErrorResponse answer = ErrorResponse.of(ServiceException.Forbidden.insufficientScope("documents.read",
                "The access token lacks the scope documents.read this request needs"));
        assertEquals(403, answer.status());
        assertEquals("Bearer realm=\"patientdocs\", error=\"insufficient_scope\", error_description=\"The access"
                + " token lacks the scope documents.read this request needs\", scope=\"documents.read\"",
                answer.headers().get("WWW-Authenticate"));
        assertEquals("{\"error\":{\"code\":\"INSUFFICIENT_SCOPE\",\"message\":\"The access token lacks the scope"
                + " documents.read this request needs\"}}", answer.json());
        assertNull(ErrorResponse.of(new ServiceException.Forbidden("No")).headers().get("WWW-Authenticate"),
                "a refusal no scope would lift is no challenge");
    }

    @Test
    void aTokenPresentedWronglyIsABadRequestWithAnInvalidRequestChallenge() {
        ErrorResponse answer = ErrorResponse.of(new ServiceException.BadRequest(
                ErrorCode.INVALID_AUTHORIZATION_REQUEST, null, "One token, please"));
        assertEquals(400, answer.status());
        assertEquals("Bearer realm=\"patientdocs\", error=\"invalid_request\","
                + " error_description=\"One token, please\"", answer.headers().get("WWW-Authenticate"));
        assertFalse(ErrorResponse.of(new ServiceException.BadRequest(ErrorCode.BAD_REQUEST, null, "no"))
                .headers().containsKey("WWW-Authenticate"));
    }

    @Test
    void theBodyIsTheODataErrorWithTheTargetWhenThereIsOne() {
        assertEquals("{\"error\":{\"code\":\"INVALID_QUERY_OPTION\",\"message\":\"a \\\"b\\\"\",\"target\":\"$top\"}}",
                ErrorResponse.of(new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$top", "a \"b\""))
                        .json());
        assertEquals("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"gone\"}}",
                ErrorResponse.of(new ServiceException.NotFound("gone")).json());
    }

    @Test
    void anUnexpectedFailureNamesOnlyTheRequestId() {
        ErrorResponse internal = ErrorResponse.internal("0123abcd");
        assertEquals(500, internal.status());
        assertEquals("{\"error\":{\"code\":\"INTERNAL_ERROR\",\"message\":\"An unexpected error occurred; quote request"
                + " id 0123abcd when reporting it.\"}}", internal.json());
    }

    @Test
    void aStatusDecidedByTheProtocolLayerGetsTheCodeOfItsMeaning() {
        assertEquals("METHOD_NOT_ALLOWED", ErrorResponse.ofStatus(405, "m").code());
        assertEquals("BAD_REQUEST", ErrorResponse.ofStatus(431, "m").code());
        assertEquals("INTERNAL_ERROR", ErrorResponse.ofStatus(502, "m").code());
    }
}
