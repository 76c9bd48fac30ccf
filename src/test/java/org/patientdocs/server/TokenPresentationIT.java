package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bearer token is accepted in one place only, the {@code Authorization} header (RFC 6750 §2.1). A token in the URL
 * or a {@code Bearer} without one is a malformed request: 400 with an {@code invalid_request} challenge (§3.1), in the
 * service's error shape, whatever else the request carries.
 */
class TokenPresentationIT {

    private static final String INVALID_REQUEST = "Bearer realm=\"patientdocs\", error=\"invalid_request\", "
            + "error_description=\"";

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @Test
    void aTokenInTheQueryInsteadOfTheHeaderIsAnInvalidRequest() throws Exception {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(
                service.uri("/Patients?access_token=" + service.token("user-456"))).header("x-api-key",
                TestService.API_KEY).GET().build());
        assertInvalidRequest(response, "access_token");
    }

    @Test
    void aTokenInTheQueryBesideOneInTheHeaderIsAnInvalidRequest() throws Exception {
        HttpResponse<String> response = service.send(service.request(
                "/Patients?$top=1&access_token=" + service.token("user-456")).GET().build());
        assertInvalidRequest(response, "access_token");
    }

    @Test
    void theParameterIsFoundWhateverItsCaseOrEncoding() throws Exception {
        for (String name : new String[] {"ACCESS_TOKEN", "access%5Ftoken", "Access_Token"}) {
            HttpResponse<String> response = service.send(service.request(
                    "/Patients?" + name + "=" + service.token("user-456")).GET().build());
            assertInvalidRequest(response, "access_token");
        }
    }

    @Test
    void aBearerHeaderWithoutATokenIsAnInvalidRequest() throws Exception {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(service.uri("/Patients"))
                .header("x-api-key", TestService.API_KEY).header("Authorization", "Bearer").GET().build());
        assertInvalidRequest(response, null);
    }

    @Test
    void aTokenInAFormBodyIsNeverTakenForCredentials() throws Exception {
        String form = "access_token=" + service.token("user-456") + "&id=form-1";
        HttpResponse<String> withoutHeader = service.send(HttpRequest.newBuilder(service.uri("/Patients"))
                .header("x-api-key", TestService.API_KEY).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertEquals(401, withoutHeader.statusCode(), withoutHeader.body());
        HttpResponse<String> withHeader = service.send(service.request("/Patients")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertEquals(415, withHeader.statusCode(), withHeader.body());
        assertEquals(404, service.get("/Patients('form-1')").statusCode());
    }

    @Test
    void theRefusedTokenIsNeverLogged() throws Exception {
        String all;
        String token;
        try (CapturedLogs logs = new CapturedLogs()) {
            // a service of its own, stopped before the log is read: the access log line follows the answer
            try (TestService own = TestService.start(Map.of())) {
                token = own.token("user-456");
                HttpResponse<String> response = own.send(own.request(
                        "/Patients('patient-in-url-7')/Documents?access_token=" + token).GET().build());
                assertEquals(400, response.statusCode(), response.body());
            }
            all = String.join("\n", logs.lines());
        }
        assertTrue(all.contains("GET /Patients({id})/Documents 400"), all);
        assertFalse(all.contains(token), all);
        assertFalse(all.contains(token.substring(token.lastIndexOf('.') + 1)), all);
        assertFalse(all.contains("patient-in-url-7"), all);
    }

    @Test
    void otherParametersThatMentionTokensAreNotRefused() throws Exception {
        HttpResponse<String> response = service.send(service.request(
                "/Patients?$filter=last_name%20eq%20%27access_token=x%27&my_access_token=1").GET().build());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static void assertInvalidRequest(HttpResponse<String> response, String target) {
        ErrorAnswer answer = ErrorAnswer.of(response);
        assertEquals(400, answer.status(), answer.toString());
        assertEquals("INVALID_AUTHORIZATION_REQUEST", answer.code(), answer.toString());
        assertEquals(target, answer.target(), answer.toString());
        assertEquals(INVALID_REQUEST + answer.message() + "\"", answer.header("WWW-Authenticate"), answer.toString());
        assertEquals("4.0", answer.header("OData-Version"), answer.toString());
    }
}
