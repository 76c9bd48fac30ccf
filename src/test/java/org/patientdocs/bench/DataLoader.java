package org.patientdocs.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;

/**
 * Fills the patient and document tables straight through JDBC batches, bypassing the service: a fixed, seeded data
 * set, so every run measures the same rows. Documents go to patients at random (about docs/patients each),
 * {@code uploaded_at} spreads evenly over 2024 and 2025, six document types plus some nulls, file names and
 * descriptions made of words a user would search for. Document bytes are not stored: the query suite reads
 * metadata only.
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
    private static final int BATCH = 5_000;

    private final Random random = new Random(20_240_101L);

    /** The id of the n-th patient (0-based). */
    static String patientId(int n) {
        return String.format(Locale.ROOT, "P%06d", n);
    }

    /** Loads {@code patients} patients and {@code docs} documents and updates the planner's statistics. */
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
            connection.setAutoCommit(false);
            insertPatients(connection, patients);
            insertDocuments(connection, patients, docs);
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                // PostgreSQL: VACUUM also sets the visibility map, which index-only scans need after a bulk load
                statement.execute(postgres ? "VACUUM ANALYZE" : "ANALYZE");
            }
        }
    }

    private void insertPatients(Connection connection, int patients) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO patient (id, first_name, last_name, birth_date, version) VALUES (?, ?, ?, ?, 1)")) {
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
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO document (id, patient_id, file_name,"
                + " content_type, file_size_bytes, document_type, description, uploaded_by_id, uploaded_at,"
                + " content_sha256, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
            for (int n = 0; n < docs; n++) {
                int type = random.nextInt(20) == 0 ? -1 : random.nextInt(TYPES.size());
                Instant uploaded = FIRST_UPLOAD.plusMillis((long) (random.nextDouble() * span));
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
                    flush(connection, insert);
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
