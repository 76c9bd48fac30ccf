package org.patientdocs.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's command line: {@code --name value} pairs, every one optional. {@link #USAGE} lists them.
 *
 * @param documents  the document stores the transfer suite measures ({@code filesystem}, {@code database},
 *                   {@code s3})
 * @param encryption whether the transfer suite also measures each store with encryption at rest, next to without
 * @param dbUrl      for the forked transfer JVM only: the database its services use (made by the parent)
 */
record BenchOptions(String store, String suite, int patients, int docs, int iterations, int warmup, int clients,
                    List<String> documents, boolean encryption, int transferIterations, int parallel,
                    int slowClients, int slowSeconds, Path workDir, String dbUrl, String dbUser, String dbPassword) {

    static final String USAGE = """
            Options (all optional):
              --store h2|postgres            database (default h2; postgres starts an embedded PostgreSQL)
              --suite S                      what to measure: query, transfer, audit (each request with
                                             and without the audit trail), slow-clients or all (default all)
              --patients N --docs N          query data set size (default 10000 and 1000000)
              --iterations N                 timed requests per query scenario (default 200)
              --warmup N                     untimed rounds before timing (default 20; transfers: at most 5)
              --clients N                    concurrent clients for requests per second (default 4)
              --documents S[,S]              document stores for the transfer suite: filesystem, database, s3
                                             (S3Proxy in the transfer JVM; default: filesystem on h2, all
                                             three on postgres)
              --encryption off|on            on: the transfer suite also measures each store with encryption
                                             at rest (documents.encryption=on), next to without (default off)
              --transfer-iterations N        timed 25 MB downloads and uploads per store (default 20)
              --parallel N                   parallel transfers while the heap is sampled (default 16)
              --slow-clients N               slow uploads, and as many slow header senders, in the slow-clients
                                             probe (default 300; 4 file descriptors each, see ulimit -n)
              --slow-seconds N               how long the slow clients run at most (default 60)
              --work-dir DIR                 databases, documents and logs of the run (default target/bench)
            """;

    static BenchOptions parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.isBlank()) {
                continue;
            }
            if (!name.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got '" + name + "'\n" + USAGE);
            }
            values.put(name.substring(2), args[++i]);
        }
        String store = choice(values, "store", "h2", "h2", "postgres");
        List<String> documents = new ArrayList<>();
        String defaultDocuments = store.equals("postgres") ? "filesystem,database,s3" : "filesystem";
        for (String kind : values.getOrDefault("documents", defaultDocuments).split(",")) {
            String trimmed = kind.trim().toLowerCase(Locale.ROOT);
            if (!List.of("filesystem", "database", "s3").contains(trimmed)) {
                throw new IllegalArgumentException("--documents takes filesystem, database and/or s3, got " + kind);
            }
            documents.add(trimmed);
        }
        BenchOptions options = new BenchOptions(store,
                choice(values, "suite", "all", "query", "transfer", "audit", "slow-clients", "all"),
                positive(values, "patients", 10_000), positive(values, "docs", 1_000_000),
                positive(values, "iterations", 200), positive(values, "warmup", 20), positive(values, "clients", 4),
                List.copyOf(documents), choice(values, "encryption", "off", "off", "on").equals("on"),
                positive(values, "transfer-iterations", 20), positive(values, "parallel", 16),
                positive(values, "slow-clients", 300), positive(values, "slow-seconds", 60),
                Path.of(values.getOrDefault("work-dir", "target/bench")).toAbsolutePath(),
                values.remove("db-url"), values.getOrDefault("db-user", ""), values.getOrDefault("db-password", ""));
        List.of("store", "suite", "patients", "docs", "iterations", "warmup", "clients", "documents", "encryption",
                "transfer-iterations", "parallel", "slow-clients", "slow-seconds", "work-dir", "db-user", "db-password")
                .forEach(values::remove);
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown option --" + values.keySet().iterator().next() + "\n" + USAGE);
        }
        return options;
    }

    boolean runsQueries() {
        return suite.equals("query") || suite.equals("all");
    }

    boolean runsTransfers() {
        return suite.equals("transfer") || suite.equals("all");
    }

    /** The audit suite: each representative request with and without the audit trail. */
    boolean runsAudit() {
        return suite.equals("audit") || suite.equals("all");
    }

    boolean runsSlowClients() {
        return suite.equals("slow-clients") || suite.equals("all");
    }

    /** The arguments that give the forked transfer JVM these options and the database to use. */
    List<String> transferArguments(BenchDatabase database) {
        return List.of("--store", store, "--documents", String.join(",", documents),
                "--encryption", encryption ? "on" : "off", "--transfer-iterations",
                Integer.toString(transferIterations), "--parallel", Integer.toString(parallel),
                "--warmup", Integer.toString(warmup), "--work-dir", workDir.toString(),
                "--db-url", database.url(), "--db-user", database.user(), "--db-password", database.password());
    }

    private static String choice(Map<String, String> values, String name, String fallback, String... allowed) {
        String value = values.getOrDefault(name, fallback).toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(value)) {
            throw new IllegalArgumentException("--" + name + " must be one of " + List.of(allowed) + ", was " + value);
        }
        return value;
    }

    private static int positive(Map<String, String> values, String name, int fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.replace("_", ""));
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + " must be a positive whole number, was " + value);
    }
}
