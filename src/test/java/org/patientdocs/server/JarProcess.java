package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The service as an operator runs it: {@code java -jar target/documents-odata.jar} in a JVM of its own, with its
 * standard output and error read together, line by line, in the order written. The package phase builds the jar
 * before the integration tests run. Settings are given as system properties; the environment variables of the
 * service's own settings are removed, so that the developer's shell cannot change what is tested.
 */
final class JarProcess implements AutoCloseable {

    /** How long the tests wait for a line before giving up: only so that a hung service cannot hang the build. */
    private static final long PATIENCE_MINUTES = 2;
    private static final String END = "\u0000end of output";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private JarProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "jar-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the jar in {@code workDir} with these settings ({@code -Dkey=value}), environment variables and command
     * line arguments (a command such as {@code audit-verify}).
     */
    static JarProcess start(Path workDir, Map<String, String> settings, Map<String, String> environment,
                            String... arguments) throws IOException {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "documents-odata.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the integration tests run after mvn package");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(JarProcess::isServiceSetting);
        builder.environment().putAll(environment);
        return new JarProcess(builder.start());
    }

    /**
     * The database of this run's store for a jar: on a PostgreSQL run a fresh one, named in {@code settings} with its
     * password only in {@code environment}, as a deployment has it (the caller drops it); on an H2 run null, and the
     * jar uses its own H2 file under {@code data.dir}.
     */
    static TestDatabase database(Map<String, String> settings, Map<String, String> environment) {
        if (!TestDatabase.isPostgres()) {
            return null;
        }
        TestDatabase database = TestDatabase.fresh();
        settings.put("db.url", database.url());
        settings.put("db.user", database.user());
        environment.put("DB_PASSWORD", database.password());
        return database;
    }

    private static boolean isServiceSetting(String variable) {
        String name = variable.toUpperCase(Locale.ROOT);
        return name.equals("CONFIG_FILE") || name.equals("DATA_DIR")
                || List.of("HTTP_", "DB_", "AUTH_", "DOCUMENTS_", "UPLOAD_", "QUERY_", "BATCH_").stream()
                .anyMatch(name::startsWith);
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(output unreadable: " + e + ")");
        } finally {
            lines.add(END);
        }
    }

    /** The next line, or empty once the process has closed its output. */
    Optional<String> nextLine() throws InterruptedException {
        String line = lines.poll(PATIENCE_MINUTES, TimeUnit.MINUTES);
        if (line == null) {
            fail("the service printed nothing for " + PATIENCE_MINUTES + " minutes after " + seen);
        }
        if (line.equals(END)) {
            lines.add(END);
            return Optional.empty();
        }
        seen.add(line);
        return Optional.of(line);
    }

    /** Every line up to and including the first that starts with {@code prefix}; fails if output ends first. */
    List<String> linesUntil(String prefix) throws InterruptedException {
        int from = seen.size();
        for (Optional<String> line = nextLine(); line.isPresent(); line = nextLine()) {
            if (line.get().startsWith(prefix)) {
                return List.copyOf(seen.subList(from, seen.size()));
            }
        }
        return fail("the output ended before a line starting with '" + prefix + "': " + seen);
    }

    /** Every remaining line, once the process has ended its output; then its exit code. */
    List<String> remainingLines() throws InterruptedException {
        int from = seen.size();
        while (nextLine().isPresent()) {
            // collected in seen
        }
        return List.copyOf(seen.subList(from, seen.size()));
    }

    int exitCode() throws InterruptedException {
        if (!process.waitFor(PATIENCE_MINUTES, TimeUnit.MINUTES)) {
            fail("the service did not exit within " + PATIENCE_MINUTES + " minutes");
        }
        return process.exitValue();
    }

    /**
     * Asks the service to stop, as a process manager's SIGTERM does. Through the process handle, because
     * {@link Process#destroy()} also closes the output that is still to be read.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while stopping the service", e));
        }
    }
}
