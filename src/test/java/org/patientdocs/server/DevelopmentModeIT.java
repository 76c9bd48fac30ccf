package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.auth.DevCommands;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;

/** Out of the box: the token and api-key commands print credentials the running service accepts. */
class DevelopmentModeIT {

    @TempDir
    Path dataDir;

    @Test
    void credentialsFromTheCommandsOpenTheService() throws Exception {
        TestDatabase database = TestDatabase.fresh();
        ServiceConfig config = ConfigLoader.fromOverrides(Map.of("data.dir", dataDir.toString(), "http.port", "0",
                "db.url", database.url(), "db.user", database.user(), "db.password", database.password()));
        try (database; ServiceRuntime runtime = ServiceRuntime.start(config)) {
            String token = run(config, "token", "--subject", "user-456");
            String apiKey = run(config, "api-key");
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(runtime.baseUri() + "Patients"))
                    .header("Authorization", "Bearer " + token).header("x-api-key", apiKey).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(runtime.baseUri() + "Patients"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        }
    }

    private static String run(ServiceConfig config, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = DevCommands.run(args, config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, status);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, "one line only: " + text);
        return text.trim();
    }
}
