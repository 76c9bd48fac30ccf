package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting the service as an operator does ({@code java -jar target/documents-odata.jar}): what it prints on a
 * normal start.
 */
class StartupIT {

    /** A line of the service's log at level WARN or ERROR (the pattern of logback.xml). */
    private static final Pattern WARNING = Pattern.compile("^\\S+ (WARN|ERROR) ");

    @TempDir
    Path dataDir;

    @Test
    void aNormalStartPrintsNoWarning() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("data.dir", dataDir.toString(), "http.port", "0"));
        Map<String, String> environment = new HashMap<>();
        TestDatabase database = null;
        if (TestDatabase.isPostgres()) {
            // this run's store, a fresh database as a new installation has; the password only in the environment
            database = TestDatabase.fresh();
            settings.put("db.url", database.url());
            settings.put("db.user", database.user());
            environment.put("DB_PASSWORD", database.password());
            settings.put("documents.store", TestDatabase.documentStore());
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
}
