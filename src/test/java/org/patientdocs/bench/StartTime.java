package org.patientdocs.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.h2.mvstore.MVStore;
import org.patientdocs.auth.DevCommands;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.storage.H2Housekeeping;

/**
 * Issue 18's start-up target: from launching {@code java -jar target/documents-odata.jar} on the query suite's H2
 * database (a million documents) to the first answer of the service document with credentials, under
 * {@value #TARGET_MS} ms; with the build's class data sharing archive ({@code -XX:SharedArchiveFile}, as the README
 * starts it) and without, alternately, {@value #STARTS} starts each, median. Each service is killed (as a crash would)
 * once it has answered, so that the next start opens the database as after an unclean stop.
 */
final class StartTime {

    static final long TARGET_MS = 1000;
    private static final int STARTS = 5;
    /** A start that has not answered after this long is reported as failed, not waited for. */
    private static final long GIVE_UP_NANOS = 60_000_000_000L;
    private static final Path JAR = Path.of("target", "documents-odata.jar");
    private static final Path ARCHIVE = Path.of("target", "documents-odata.jsa");

    private final Path dataDir;
    private final String databaseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private StartTime(Path dataDir, String databaseUrl) {
        this.dataDir = dataDir;
        this.databaseUrl = databaseUrl;
    }

    static void measure(BenchOptions options, BenchDatabase database) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            System.out.println("start to first answer: not measured, " + JAR + " is not built");
            return;
        }
        StartTime starts = new StartTime(Files.createDirectories(options.workDir().resolve("start")),
                database.url());
        int chunksBefore = chunks(database.url());
        ServiceConfig config = ConfigLoader.fromOverrides(Map.of("data.dir", starts.dataDir.toString()));
        String token = DevCommands.value(config, DevCommands.TOKEN, "--subject", "bench-start");
        String apiKey = DevCommands.value(config, DevCommands.API_KEY);
        List<Long> withArchive = new ArrayList<>();
        List<Long> without = new ArrayList<>();
        boolean archived = Files.isRegularFile(ARCHIVE);
        for (int i = 0; i < STARTS; i++) {
            if (archived) {
                withArchive.add(starts.firstAnswerMillis(token, apiKey, true));
            }
            without.add(starts.firstAnswerMillis(token, apiKey, false));
        }
        System.out.printf(Locale.ROOT, "%nStart to first answer (service document with credentials; H2, %,d documents;"
                + " median of %d starts; the database's file had %,d chunks when the suite's service had stopped)%n",
                options.docs(), STARTS, chunksBefore);
        long plain = median(without);
        System.out.printf(Locale.ROOT, "  without class data sharing      %6d ms%n", plain);
        if (archived) {
            long shared = median(withArchive);
            System.out.printf(Locale.ROOT, "  with target/documents-odata.jsa %6d ms (%.2f of without) | target < %d ms"
                    + " %s%n", shared, (double) shared / plain, TARGET_MS, shared < TARGET_MS ? "PASS" : "MISS");
        } else {
            System.out.println("  with class data sharing: not measured, " + ARCHIVE + " is not built");
        }
    }

    private long firstAnswerMillis(String token, String apiKey, boolean archive) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (archive) {
            command.add("-XX:SharedArchiveFile=" + ARCHIVE);
        }
        command.addAll(List.of("-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("service.log").toFile());
        builder.environment().putAll(Map.of("DATA_DIR", dataDir.toString(), "HTTP_PORT", Integer.toString(port),
                "HTTP_HOST", "127.0.0.1", "DB_URL", databaseUrl));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Authorization", "Bearer " + token).header("x-api-key", apiKey).build();
        long started = System.nanoTime();
        Process service = builder.start();
        try {
            while (true) {
                if (System.nanoTime() - started > GIVE_UP_NANOS) {
                    throw new IllegalStateException("the service did not answer within a minute; see " + dataDir
                            .resolve("service.log"));
                }
                if (!service.isAlive()) {
                    throw new IllegalStateException("the service stopped before answering; see " + dataDir
                            .resolve("service.log"));
                }
                try {
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return (System.nanoTime() - started) / 1_000_000;
                    }
                } catch (IOException notListeningYet) {
                    // try again
                }
                // polling a process that is starting: the wait is the measurement, not an assertion
                Thread.sleep(5);
            }
        } finally {
            service.destroyForcibly().waitFor();
        }
    }

    /**
     * The chunks of the H2 file behind {@code url} (each an open reads): opened read-only, as H2's own store, and
     * closed without a change.
     */
    private static int chunks(String url) {
        String path = url.substring("jdbc:h2:file:".length()).split(";", 2)[0] + ".mv.db";
        MVStore store = new MVStore.Builder().fileName(path).readOnly().open();
        try {
            return H2Housekeeping.chunkCount(store.getFileStore());
        } finally {
            store.close();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
