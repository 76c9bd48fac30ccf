package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.storage.S3ProxyServer;

/**
 * Starting the service as an operator does ({@code java -jar target/documents-odata.jar}): what it prints on a
 * normal start, when its port is taken and when its configuration file names an unknown key, and its log in JSON.
 */
class StartupIT {

    /** A line of the service's log at level WARN or ERROR (the pattern of LogSetup). */
    private static final Pattern WARNING = Pattern.compile("^\\S+ (WARN|ERROR) ");

    @TempDir
    Path dataDir;

    @Test
    void aTakenPortIsOneLineNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             JarProcess service = JarProcess.start(dataDir, Map.of("data.dir", dataDir.toString(),
                     "http.host", "127.0.0.1", "http.port", Integer.toString(taken.getLocalPort())), Map.of())) {
            List<String> output = service.remainingLines();
            assertEquals(List.of("http.port " + taken.getLocalPort() + " is in use on 127.0.0.1;"
                    + " set HTTP_PORT or -Dhttp.port"), output);
            assertEquals(1, service.exitCode());
        }
    }

    @Test
    void aMisspeltKeyInTheFileIsOneLineNamingIt() throws Exception {
        // the operator's copy of the shipped file, with one key misspelt: without the check it would run on port 8080
        Path config = Files.createDirectories(dataDir.resolve("config")).resolve("application.properties");
        Files.writeString(config, Files.readString(Path.of(System.getProperty("basedir", "."), "config",
                "application.properties")) + "\nhttp.prot=0\n");
        try (JarProcess service = JarProcess.start(dataDir, Map.of("data.dir", dataDir.toString()), Map.of())) {
            assertEquals(List.of("configuration error: unknown configuration key in config" + File.separator
                    + "application.properties: http.prot (misspelt? the keys are listed in the README)"),
                    service.remainingLines());
            assertEquals(2, service.exitCode());
        }
    }

    @Test
    void aFailedStartClosesTheDatabasePoolAndTheServersThreads() throws Exception {
        // An in-memory H2 database without DB_CLOSE_DELAY lives only while a connection to it is open.
        String url = "jdbc:h2:mem:taken-port-" + UUID.randomUUID();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ServiceConfig config = ConfigLoader.fromOverrides(Map.of("data.dir", dataDir.toString(),
                    "http.host", "127.0.0.1", "http.port", Integer.toString(taken.getLocalPort()), "db.url", url));
            assertThrows(ServiceRuntime.CannotListen.class, () -> ServiceRuntime.start(config).close());
        }
        SQLException gone = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url + ";IFEXISTS=TRUE").close(), "the pool left a connection open");
        assertEquals(90146, gone.getErrorCode(), gone.getMessage()); // DATABASE_NOT_FOUND_WITH_IF_EXISTS_1
        Set<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive() && !thread.isDaemon())
                .map(Thread::getName).collect(Collectors.toSet());
        assertEquals(Set.of(), left, "threads left running by the failed start");
    }

    @Test
    void aNormalStartPrintsNoWarning() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("data.dir", dataDir.toString(), "http.port", "0"));
        Map<String, String> environment = new HashMap<>();
        // this run's store, a fresh database as a new installation has; the password only in the environment
        TestDatabase database = JarProcess.database(settings, environment);
        if (database != null) {
            settings.put("documents.store", TestDatabase.documentStore());
        }
        if (TestDatabase.documentStore().equals("s3")) {
            // the jar's own SDK, with the credentials in the environment, as a deployment has them
            S3ProxyServer s3 = S3ProxyServer.shared();
            settings.putAll(Map.of("s3.endpoint", s3.endpoint().toString(), "s3.region", S3ProxyServer.REGION,
                    "s3.bucket", S3ProxyServer.BUCKET, "s3.path-style-access", "true", "s3.prefix", "startup/"));
            environment.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
            environment.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        }
        try (AutoCloseable dropped = database;
             JarProcess service = JarProcess.start(dataDir, settings, environment)) {
            List<String> start = service.linesUntil("Patient documents OData service at http://127.0.0.1:");
            service.terminate();
            List<String> stop = service.remainingLines();
            assertEquals(List.of(), start.stream().filter(line -> WARNING.matcher(line).find()).toList(),
                    "warnings on start; all output: " + start);
            assertEquals(List.of(), stop.stream().filter(line -> WARNING.matcher(line).find()).toList(),
                    "warnings on stop; all output: " + stop);
            assertTrue(stop.contains("Development mode: signing key and API key are in " + dataDir.resolve("dev")),
                    "the development mode announcement: " + stop);
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineAndHoldNoMoreThanTextLogs() throws Exception {
        Map<String, String> settings = Map.of("data.dir", dataDir.toString(), "http.port", "0", "log.format", "json",
                "shutdown.delay-seconds", "0");
        try (JarProcess service = JarProcess.start(dataDir, settings, Map.of())) {
            String announced = "Patient documents OData service at ";
            List<String> start = service.linesUntil(announced);
            URI base = URI.create(start.get(start.size() - 1).substring(announced.length()));
            HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    base.resolve("Documents('doc-secret-123')/$value?$format=json")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
            service.terminate();
            List<String> lines = new ArrayList<>(start);
            lines.addAll(service.remainingLines());
            List<JsonNode> logged = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith("{")) {
                    logged.add(TestService.JSON.readTree(line));
                } else {
                    // what Main prints for the operator, not the log
                    assertTrue(line.startsWith(announced) || line.startsWith("Development mode")
                            || line.startsWith("  "), "a log line that is no JSON object: " + line);
                }
                assertFalse(line.contains("doc-secret-123") || line.contains("$format"), line);
            }
            JsonNode access = logged.stream().filter(event -> "access".equals(event.path("loggerName").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no access log line in " + lines));
            assertEquals("GET /Documents({id})/$value 401", access.get("formattedMessage").asText().replaceAll(
                    " \\d+ms$", ""));
            assertEquals("INFO", access.get("level").asText());
            assertEquals(refused.headers().firstValue("X-Request-Id").orElseThrow(),
                    access.get("mdc").get("requestId").asText());
        }
    }
}
