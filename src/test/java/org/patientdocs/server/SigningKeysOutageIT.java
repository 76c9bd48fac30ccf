package org.patientdocs.server;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The token signing keys cannot be fetched (nothing answers at the JWKS URL): the authentication filter, which runs
 * before Olingo, turns requests away with the same 503 and {@code Retry-After} a database outage gets, and not with
 * a 401 that would send the client for a new token it does not need.
 */
class SigningKeysOutageIT {

    @Test
    void whileTheSigningKeysCannotBeLoadedRequestsAreToldToRetry() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (TestService service = TestService.start(
                Map.of("auth.jwks", "http://127.0.0.1:" + closedPort + "/jwks.json"))) {
            ErrorAnswer.of(service.get("/Patients")).assertUnavailable();
            ErrorAnswer.of(service.postJson("/Patients", "{\"id\":\"p-1\"}")).assertUnavailable();
        }
    }
}
