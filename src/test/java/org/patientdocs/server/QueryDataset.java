package org.patientdocs.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small dataset with awkward values for the differential query test: unicode (all within the Basic Multilingual
 * Plane), quotes, {@code %} and {@code _} in names, nulls, empty strings, line breaks, timestamps at day and year
 * boundaries and with offsets. Rows are maps of property name to value as the service reports them (timestamps in
 * UTC); the stores are given the timestamps with their original offsets.
 */
final class QueryDataset {

    final List<Map<String, Object>> patients = new ArrayList<>();
    final List<Map<String, Object>> documents = new ArrayList<>();
    /** uploaded_at as written, with its original offset (H2 keeps it, PostgreSQL keeps the instant). */
    private final Map<String, OffsetDateTime> written = new LinkedHashMap<>();

    QueryDataset() {
        patient("p01", "Ada", "Smith", "1980-02-03");
        patient("p02", "Grace", "smith", "2000-02-29");
        patient("p03", "Zoë", "Müller", "1999-12-31");
        patient("p04", "Seán", "O'Brien", null);
        patient("p05", null, "50%_off", "2010-01-01");
        patient("p06", "", null, "1970-01-01");
        patient("p07", "李", "Ñúñez", "1955-07-14");
        patient("p08", "ÅSA", "Åström", "2024-02-29");
        patient("p09", "Empty", "Nobody", "1990-06-30");

        String[] types = {"Referral", "Insurance", null, "", "referral", "Lab Result", "REFERRAL", "Insurance"};
        String[] names = {"referral.pdf", "insurance-card.png", "O'Brien letter.pdf", "100%_sure.pdf",
            "under_score.png", "Überweisung.pdf", "naïve café.docx", "UPPER.PDF", " spaced .tif", "back\\slash.pdf",
            "a.pdf", "b.PDF", "日本語.pdf", "scan 2026-01-01.jpg", "x", "Ω omega.png", "dash-and_under%.pdf",
            "tab\there.pdf", "zzz.pdf", "Referral from Dr. Smith.pdf"};
        String[] descriptions = {"Referral from Dr. Smith", null, "", "line one\nline two", "50% done_ok",
            "O'Brien's note", "Müller über alles", "  padded  ", "ends with newline\n", "quote \" and 'single'"};
        String[] times = {"2025-12-31T23:59:59.999Z", "2026-01-01T00:00:00Z", "2025-12-31T23:30:00-05:00",
            "2024-02-29T12:00:00+14:00", "1999-12-31T23:59:59Z", "2026-06-15T12:34:56.789Z",
            "2026-01-15T09:00:00Z", "2026-02-21T14:30:00Z", "2000-01-01T00:00:00.5Z", "2026-03-01T00:00:00+01:00",
            "2025-07-04T18:45:30.250Z", "2026-01-01T00:00:00.001Z"};
        long[] sizes = {204_800, 51_200, 0, 1, 2048, 26_214_400, 999, 1000, 1001, 7, 123_456_789, 65_536};
        String[] patientIds = {"p01", "p01", "p01", "p01", "p01", "p01", "p02", "p02", "p02", "p03", "p03", "p04",
            "p04", "p05", "p06", "p07", "p07", "p08"};
        for (int i = 0; i < 46; i++) {
            document(String.format("doc-%03d", i), patientIds[i % patientIds.length], names[i % names.length],
                    i % 3 == 0 ? "application/pdf" : i % 3 == 1 ? "image/png" : "image/jpeg", sizes[i % sizes.length],
                    types[i % types.length], descriptions[(i * 7) % descriptions.length],
                    "user-" + (i % 4), OffsetDateTime.parse(times[(i * 5) % times.length]).plusDays(i / times.length));
        }
    }

    private void patient(String id, String first, String last, String birth) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("first_name", first);
        row.put("last_name", last);
        row.put("birth_date", birth == null ? null : LocalDate.parse(birth));
        patients.add(row);
    }

    private void document(String id, String patient, String name, String contentType, long size, String type,
                          String description, String uploader, OffsetDateTime uploaded) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("patient_id", patient);
        row.put("file_name", name);
        row.put("content_type", contentType);
        row.put("file_size_bytes", size);
        row.put("document_type", type);
        row.put("description", description);
        row.put("uploaded_by_id", uploader);
        row.put("uploaded_at", uploaded.withOffsetSameInstant(ZoneOffset.UTC));
        documents.add(row);
        written.put(id, uploaded);
    }

    /** Writes the rows straight into a store's tables (the API sets uploaded_at itself, so it cannot). */
    void insertInto(Connection connection) throws SQLException {
        try (PreparedStatement patient = connection.prepareStatement(
                "INSERT INTO patient (tenant_id, id, first_name, last_name, birth_date, version)"
                        + " VALUES ('default', ?, ?, ?, ?, 1)");
             PreparedStatement document = connection.prepareStatement("INSERT INTO document (tenant_id, id,"
                     + " patient_id, file_name, content_type, file_size_bytes, document_type, description,"
                     + " uploaded_by_id, uploaded_at, content_sha256, version)"
                     + " VALUES ('default', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
            for (Map<String, Object> p : patients) {
                patient.setString(1, (String) p.get("id"));
                patient.setString(2, (String) p.get("first_name"));
                patient.setString(3, (String) p.get("last_name"));
                patient.setObject(4, p.get("birth_date"));
                patient.executeUpdate();
            }
            for (Map<String, Object> d : documents) {
                document.setString(1, (String) d.get("id"));
                document.setString(2, (String) d.get("patient_id"));
                document.setString(3, (String) d.get("file_name"));
                document.setString(4, (String) d.get("content_type"));
                document.setLong(5, (Long) d.get("file_size_bytes"));
                document.setString(6, (String) d.get("document_type"));
                document.setString(7, (String) d.get("description"));
                document.setString(8, (String) d.get("uploaded_by_id"));
                document.setObject(9, written.get(d.get("id")));
                document.setString(10, "0".repeat(64));
                document.executeUpdate();
            }
        }
    }
}
