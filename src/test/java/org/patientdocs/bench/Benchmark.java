package org.patientdocs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The benchmark command (see the README's Benchmarks section): the query suite in this JVM, then the transfer suite in
 * a JVM of its own with {@code -Xmx256m}, then the slow-clients probe in this JVM, all against the database chosen
 * with {@code --store}. Everything runs on
 * 127.0.0.1, is bounded in count, and stops by itself; the work directory is emptied first.
 */
public final class Benchmark {

    /** The longest the forked transfer suite may run before it is stopped. */
    private static final long TRANSFER_TIMEOUT_MINUTES = 30;
    /** Marks a work directory as the benchmark's own, which a later run may empty. */
    private static final String MARKER = ".patientdocs-bench";

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        emptyDirectory(options.workDir());
        ServiceLog.toFile(options.workDir().resolve("service-query.log"));
        System.out.printf(Locale.ROOT, "Benchmark: %s, suite %s; %d processors, Java %s, query JVM max heap %d MiB;"
                        + " service logs and database files under %s%n", options.store(), options.suite(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, options.workDir());
        BenchDatabase.PostgresServer postgres = options.store().equals("postgres")
                ? BenchDatabase.PostgresServer.start(options.workDir().resolve("postgres.log")) : null;
        try {
            if (options.runsQueries()) {
                QuerySuite.run(options, postgres != null ? postgres.newDatabase(true)
                        : BenchDatabase.h2(options.workDir().resolve("query-h2")));
            }
            if (options.runsAudit()) {
                // the driver's defaults, as production runs: the audit writer's statements are prepared once
                AuditSuite.run(options, postgres != null ? postgres.newDatabase(false)
                        : BenchDatabase.h2(options.workDir().resolve("audit-h2")));
            }
            if (options.runsTransfers()) {
                forkTransferSuite(options, postgres != null ? postgres.newDatabase(false)
                        : BenchDatabase.h2(options.workDir().resolve("transfer-h2")));
            }
            if (options.runsSlowClients()) {
                SlowClientSuite.run(options, postgres != null ? postgres.newDatabase(false)
                        : BenchDatabase.h2(options.workDir().resolve("slow-clients-h2")));
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        // HttpClient and pool threads would keep the JVM alive a while; the run is over
        System.exit(0);
    }

    /** Runs {@link TransferSuite} in a new JVM with this one's class path and a 256 MiB heap. */
    private static void forkTransferSuite(BenchOptions options, BenchDatabase database) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), TransferSuite.class.getName()));
        command.addAll(options.transferArguments(database));
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!process.waitFor(TRANSFER_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the transfer suite ran longer than " + TRANSFER_TIMEOUT_MINUTES
                        + " minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("the transfer suite failed with exit code " + process.exitValue());
            }
        } finally {
            process.destroyForcibly();
        }
    }

    /** Empties the work directory of an earlier run; refuses a non-empty directory the benchmark did not make. */
    private static void emptyDirectory(Path dir) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent() && !Files.exists(marker)) {
                    throw new IllegalArgumentException("--work-dir " + dir + " is not empty and was not made by the"
                            + " benchmark");
                }
            }
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(dir);
        Files.createFile(marker);
    }
}
