package org.patientdocs.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import org.patientdocs.auth.Caller;

/**
 * Fills the patient and document tables straight through JDBC batches, bypassing the service: a fixed, seeded data
 * set, so every run measures the same rows. Documents go to patients at random (about docs/patients each) and are
 * inserted in the order they were uploaded, as a live system fills its tables, with {@code uploaded_at} spread evenly
 * over 2024 and 2025; six document types plus some nulls, file names and descriptions made of words a user would
 * search for. Document bytes are not stored: the query suite reads metadata only.
 * <p>
 * The service must not be running. On H2 the secondary indexes of the document table are dropped for the load and
 * made again afterwards (H2 writes every index page a row changed, copy on write, and rows arriving in upload order
 * change pages all over an index on patients: the load would write gigabytes), then the file is compacted.
 */
final class DataLoader {

    /** Words that occur in about 1 in 12 non-null descriptions, for {@code $search}. */
    static final List<String> SPECIALTIES = List.of("cardiology", "dermatology", "orthopedics", "neurology",
            "oncology", "radiology", "pediatrics", "gastroenterology", "endocrinology", "urology", "pulmonology",
            "rheumatology");
    static final Instant FIRST_UPLOAD = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant LAST_UPLOAD = Instant.parse("2026-01-01T00:00:00Z");

    private static final List<String> TYPES = List.of("Referral", "Insurance", "Lab Result", "Imaging",
            "Discharge Summary", "Consent");
    private static final List<String> FILE_PREFIXES = List.of("referral", "insurance-card", "lab-report",
            "imaging", "discharge-summary", "consent-form");
    private static final List<String> NAMES = List.of("Smith", "Johnson", "Garcia", "Miller", "Davis", "Martinez",
            "Lopez", "Wilson", "Anderson", "Thomas", "Moore", "Jackson", "Lee", "Harris", "Clark", "Lewis");
    private static final List<String> FIRST_NAMES = List.of("Ada", "Grace", "Alan", "Linus", "Maria", "Noor",
            "Chen", "Olga", "Kwame", "Lucia", "Ivan", "Emma");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);
    private static final String SHA256 = "0".repeat(64);
    /** Rows per JDBC batch. */
    private static final int BATCH = 5_000;
    /**
     * Rows per transaction: large, because H2 writes every page a commit changed (copy on write), and the random
     * document ids change pages all over the indexes.
     */
    private static final int COMMIT = 100_000;

    private final Random random = new Random(20_240_101L);

    /** The id of the n-th patient (0-based). */
    static String patientId(int n) {
        return String.format(Locale.ROOT, "P%06d", n);
    }

    /**
     * Loads {@code patients} patients and {@code docs} documents into the migrated, empty schema and updates the
     * planner's statistics.
     */
    void load(BenchDatabase database, int patients, int docs) throws SQLException {
        boolean postgres = database.url().startsWith("jdbc:postgresql:");
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        properties.setProperty("password", database.password());
        if (postgres) {
            // the PostgreSQL driver sends a batch as multi-row INSERTs only when asked to
            properties.setProperty("reWriteBatchedInserts", "true");
        }
        try (Connection connection = DriverManager.getConnection(database.url(), properties)) {
            List<String> indexes = postgres ? List.of() : dropH2Indexes(connection);
            connection.setAutoCommit(false);
            insertPatients(connection, patients);
            insertDocuments(connection, patients, docs);
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                for (String index : indexes) {
                    statement.execute(index);
                }
            }
            try (Statement statement = connection.createStatement()) {
                // PostgreSQL: VACUUM also sets the visibility map, which index-only scans need after a bulk load
                statement.execute(postgres ? "VACUUM ANALYZE" : "ANALYZE");
                if (!postgres) {
                    // gives back the space the load's copy-on-write left behind; closes the database
                    statement.execute("SHUTDOWN COMPACT");
                }
            }
        }
        // the load's dirty pages written now, not by PostgreSQL's next checkpoint while the suites measure (p99
        // spikes of 160-700 ms in earlier runs)
        database.checkpoint();
    }

    /**
     * Drops the document table's indexes that no constraint uses and returns the statements that make them again,
     * read from H2's information schema: whatever the migrations declared, in the same column order and ordering.
     */
    private static List<String> dropH2Indexes(Connection connection) throws SQLException {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT i.INDEX_NAME, c.COLUMN_NAME, c.ORDERING_SPECIFICATION,"
                     + " c.NULL_ORDERING FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c"
                     + " ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME"
                     + " WHERE i.TABLE_SCHEMA = 'PUBLIC' AND i.TABLE_NAME = 'DOCUMENT' AND i.INDEX_TYPE_NAME = 'INDEX'"
                     + " AND NOT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t"
                     + " WHERE t.INDEX_SCHEMA = i.INDEX_SCHEMA AND t.INDEX_NAME = i.INDEX_NAME)"
                     + " ORDER BY i.INDEX_NAME, c.ORDINAL_POSITION")) {
            while (rs.next()) {
                String nulls = rs.getString(4);
                columns.computeIfAbsent(rs.getString(1), name -> new ArrayList<>()).add("\"" + rs.getString(2) + "\" "
                        + rs.getString(3) + (nulls == null ? "" : " NULLS " + nulls));
            }
        }
        List<String> creates = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (Map.Entry<String, List<String>> index : columns.entrySet()) {
                statement.execute("DROP INDEX \"" + index.getKey() + "\"");
                creates.add("CREATE INDEX \"" + index.getKey() + "\" ON DOCUMENT ("
                        + String.join(", ", index.getValue()) + ")");
            }
        }
        return creates;
    }

    private void insertPatients(Connection connection, int patients) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO patient (tenant_id, id, first_name, last_name, birth_date, version)"
                        + " VALUES ('" + Caller.DEFAULT_TENANT + "', ?, ?, ?, ?, 1)")) {
            for (int n = 0; n < patients; n++) {
                insert.setString(1, patientId(n));
                insert.setString(2, pick(FIRST_NAMES));
                insert.setString(3, pick(NAMES));
                insert.setObject(4, LocalDate.of(1930, 1, 1).plusDays(random.nextInt(90 * 365)));
                insert.addBatch();
                if ((n + 1) % BATCH == 0) {
                    flush(connection, insert);
                }
            }
            flush(connection, insert);
        }
    }

    private void insertDocuments(Connection connection, int patients, int docs) throws SQLException {
        long span = LAST_UPLOAD.toEpochMilli() - FIRST_UPLOAD.toEpochMilli();
        long started = System.nanoTime();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO document (tenant_id, id, patient_id,"
                + " file_name, content_type, file_size_bytes, document_type, description, uploaded_by_id, uploaded_at,"
                + " content_sha256, version) VALUES ('" + Caller.DEFAULT_TENANT + "', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " 1)")) {
            for (int n = 0; n < docs; n++) {
                int type = random.nextInt(20) == 0 ? -1 : random.nextInt(TYPES.size());
                Instant uploaded = FIRST_UPLOAD.plusMillis((long) ((n + random.nextDouble()) * span / docs));
                boolean image = type == 3 && random.nextBoolean();
                String prefix = type < 0 ? "scan" : FILE_PREFIXES.get(type);
                insert.setString(1, documentId());
                insert.setString(2, patientId(random.nextInt(patients)));
                insert.setString(3, prefix + "-" + DAY.format(uploaded.atOffset(ZoneOffset.UTC)) + "-"
                        + (1 + random.nextInt(9)) + (image ? ".png" : ".pdf"));
                insert.setString(4, image ? "image/png" : "application/pdf");
                insert.setLong(5, 20_000 + random.nextInt(5_000_000));
                insert.setString(6, type < 0 ? null : TYPES.get(type));
                insert.setString(7, description(type));
                insert.setString(8, "user-" + random.nextInt(200));
                insert.setObject(9, OffsetDateTime.ofInstant(uploaded, ZoneOffset.UTC));
                insert.setString(10, SHA256);
                insert.addBatch();
                if ((n + 1) % BATCH == 0) {
                    insert.executeBatch();
                }
                if ((n + 1) % COMMIT == 0) {
                    connection.commit();
                    System.out.printf(Locale.ROOT, "  %,d documents loaded (%.0f s)%n", n + 1,
                            (System.nanoTime() - started) / 1e9);
                }
            }
            flush(connection, insert);
        }
    }

    /** Null for about 3 in 10; otherwise a sentence naming the type, a doctor and a specialty. */
    private String description(int type) {
        if (random.nextInt(10) < 3) {
            return null;
        }
        String what = type < 0 ? "Scanned document" : TYPES.get(type);
        return what + " from Dr. " + pick(NAMES) + ", " + pick(SPECIALTIES) + (random.nextBoolean()
                ? ", follow-up visit" : ", first consultation");
    }

    /** A document id in the service's shape, from the seeded generator so that runs are repeatable. */
    private String documentId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "doc-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static void flush(Connection connection, PreparedStatement insert) throws SQLException {
        insert.executeBatch();
        connection.commit();
    }
}
