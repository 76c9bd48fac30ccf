package org.patientdocs.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.patientdocs.auth.Authenticator;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.Json;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.storage.DocumentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance should be sent requests ({@code /health/ready}): it has started and is not stopping, its
 * database answers, its document store can be written, its schema is migrated and it has keys to verify tokens with.
 * Each check is run on every question, so that an instance whose database went away is taken out of the load
 * balancer's rotation until it returns. The answer names each check and its state; nothing in it is about a patient.
 */
final class Health {

    private static final Logger LOG = LoggerFactory.getLogger(Health.class);
    /** How long the database may take to confirm a connection is usable, in seconds. */
    private static final int VALID_SECONDS = 2;

    /** Where in its life the instance is: only a serving one is ready. */
    enum Phase { STARTING, SERVING, DRAINING }

    /** One named check; it answers false or throws when it fails. */
    record Check(String name, BooleanSupplier up) {
    }

    /** @param checks each check's name and its state: {@code up}, {@code down}, or the phase when not serving */
    record Report(boolean ready, Map<String, String> checks) {

        String json() {
            StringBuilder json = new StringBuilder("{\"status\":");
            Json.appendString(json, ready ? "ready" : "not ready");
            json.append(",\"checks\":{");
            String separator = "";
            for (Map.Entry<String, String> check : checks.entrySet()) {
                json.append(separator);
                Json.appendString(json, check.getKey());
                json.append(':');
                Json.appendString(json, check.getValue());
                separator = ",";
            }
            return json.append("}}").toString();
        }
    }

    private final List<Check> checks;
    private volatile Phase phase = Phase.STARTING;

    Health(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /**
     * The checks of the running service: {@code database} (a pooled connection the database confirms),
     * {@code document_store} (a file written, synced and deleted where uploads are received; with the file system
     * store, its directory writable too; with the S3 store, its bucket answering; the database store's bytes live in
     * the database checked already),
     * {@code migrations} (applied: the pool is only opened after Flyway migrated the schema, and the service does not
     * start otherwise) and {@code signing_keys} (keys to verify tokens with; a JWKS URL is fetched if it was not yet).
     */
    static Health of(ServiceConfig config, DataSource dataSource, DocumentStore store, Authenticator authenticator) {
        return new Health(List.of(
                new Check("database", () -> databaseAnswers(dataSource)),
                new Check("document_store", () -> documentStoreWritable(config) && store.reachable()),
                new Check("migrations", () -> true),
                new Check("signing_keys", authenticator::keysLoaded)));
    }

    /** The service has started: it is ready whenever its checks pass. */
    void serving() {
        phase = Phase.SERVING;
    }

    /** The service is stopping: it is not ready any more, whatever its checks say. */
    void draining() {
        phase = Phase.DRAINING;
    }

    /** Runs every check now. */
    Report report() {
        Map<String, String> states = new LinkedHashMap<>();
        Phase now = phase;
        states.put("lifecycle", now == Phase.SERVING ? "up" : now.name().toLowerCase(Locale.ROOT));
        boolean ready = now == Phase.SERVING;
        for (Check check : checks) {
            boolean up = run(check);
            states.put(check.name(), up ? "up" : "down");
            ready &= up;
        }
        return new Report(ready, states);
    }

    private static boolean run(Check check) {
        try {
            return check.up().getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("health check {} failed: {}", check.name(), SafeTrace.describe(e));
            return false;
        }
    }

    private static boolean databaseAnswers(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(VALID_SECONDS);
        } catch (SQLException e) {
            LOG.warn("health check database failed: {}", SafeTrace.describe(e));
            return false;
        }
    }

    private static boolean documentStoreWritable(ServiceConfig config) {
        Path spool = config.storage().spoolDir();
        try {
            Files.createDirectories(spool);
            Path probe = Files.createTempFile(spool, "health-", ".probe");
            try {
                Files.write(probe, "probe".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.SYNC);
            } finally {
                Files.delete(probe);
            }
        } catch (IOException e) {
            LOG.warn("health check document_store failed: {}", SafeTrace.describe(e));
            return false;
        }
        return config.documents().store() != ServiceConfig.Documents.Store.FILESYSTEM
                || Files.isDirectory(config.storage().documentsDir())
                && Files.isWritable(config.storage().documentsDir());
    }
}
