package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientdocs.url.PercentCoding;

/**
 * Text is compared by code point and its case mapped for ASCII letters only, on every store: on PostgreSQL even though
 * the test databases, like most production ones, are created with the language collation en_US.UTF-8, under which
 * {@code 'a' < 'B'} and {@code LOWER('Ü')} is {@code 'ü'}.
 */
class TextOrderIT {

    /** File names in code-point order; en_US.UTF-8 orders them _.pdf, a.pdf, b.pdf, B.pdf, é.pdf, Z.pdf. */
    private static final List<String> NAMES = List.of("B.pdf", "Z.pdf", "_.pdf", "a.pdf", "b.pdf", "\u00e9.pdf");

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        try (Connection connection = service.connect();
             PreparedStatement patient = connection.prepareStatement(
                     "INSERT INTO patient (tenant_id, id, first_name, last_name, version)"
                             + " VALUES ('default', 'p1', 'Ada', 'Smith', 1)");
             PreparedStatement document = connection.prepareStatement("INSERT INTO document (tenant_id, id,"
                     + " patient_id, file_name, content_type, file_size_bytes, uploaded_by_id, uploaded_at,"
                     + " content_sha256, version) VALUES ('default', ?, 'p1', ?, 'application/pdf', 1, 'user-456', ?,"
                     + " ?, 1)")) {
            patient.executeUpdate();
            // inserted in another order than the expected one
            for (int i = NAMES.size() - 1; i >= 0; i--) {
                document.setString(1, "doc-" + i);
                document.setString(2, NAMES.get(i));
                document.setObject(3, OffsetDateTime.parse("2026-01-01T00:00:00Z").plusMinutes(i));
                document.setString(4, "0".repeat(64));
                document.executeUpdate();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @Test
    void thePostgresqlTestDatabaseOrdersAndMapsCaseByLanguage() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "about the PostgreSQL test databases");
        try (Connection connection = service.connect(); Statement statement = connection.createStatement()) {
            String collation = single(statement, "SHOW lc_collate");
            assertFalse(Set.of("C", "POSIX").contains(collation), "the database collation is " + collation);
            assertEquals("\u00fcber", single(statement, "SELECT lower('\u00dcBER')"), "the database ctype maps Ü");
            assumeTrue(DatabaseLocale.get().equals(DatabaseLocale.LANGUAGE),
                    "en_US.UTF-8 could not be compiled; see the note at the start of the test log");
            assertEquals("en_US.UTF-8", collation);
            assertEquals("t", single(statement, "SELECT CASE WHEN 'a' < 'B' THEN 't' ELSE 'f' END"));
        }
    }

    @Test
    void pagesFollowCodePointOrder() throws Exception {
        assertEquals(NAMES, fileNames("$orderby=file_name&$select=file_name"));
        List<String> descending = new ArrayList<>(NAMES);
        Collections.reverse(descending);
        assertEquals(descending, fileNames("$orderby=file_name desc&$select=file_name"));
    }

    @Test
    void comparisonsFollowCodePointsAndCaseMappingChangesAsciiLettersOnly() throws Exception {
        assertEquals(NAMES.subList(0, 3), fileNames("$filter=file_name lt 'a'&$orderby=file_name"));
        assertEquals(NAMES, fileNames("$filter='B' lt 'a'&$orderby=file_name"));
        assertEquals(NAMES, fileNames("$filter=tolower('\u00dcBER') eq '\u00dcber'&$orderby=file_name"));
        assertEquals(List.of("\u00e9.pdf"), fileNames("$filter=toupper(file_name) eq '\u00e9.PDF'"));
        assertEquals(List.of("_.pdf", "a.pdf", "b.pdf"),
                fileNames("$filter=matchesPattern(file_name,'^\\w\\.pdf$') and file_name gt 'Z.pdf'"
                        + "&$orderby=file_name"));
    }

    @Test
    void aTextColumnOutsideCollationCStopsTheStartNamingIt() throws Exception {
        assumeTrue(TestDatabase.isPostgres(), "H2 has no column collations");
        try (TestDatabase database = TestDatabase.fresh()) {
            TestService.start(database, Map.of()).close();
            try (Connection connection = DriverManager.getConnection(database.url(), database.user(),
                    database.password()); Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE document ALTER COLUMN description TYPE VARCHAR(2000)"
                        + " COLLATE \"default\"");
            }
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> TestService.start(database, Map.of()).close());
            assertTrue(refused.getMessage().contains("document.description"), refused.getMessage());
        }
    }

    /** The file names of every page of Documents with these options, two to a page. */
    private static List<String> fileNames(String options) throws Exception {
        List<String> names = new ArrayList<>();
        StringBuilder query = new StringBuilder();
        for (String option : options.split("&")) {
            int eq = option.indexOf('=');
            query.append(query.isEmpty() ? "?" : "&").append(PercentCoding.encode(option.substring(0, eq))).append('=')
                    .append(PercentCoding.encode(option.substring(eq + 1)));
        }
        URI next = service.uri("Documents" + query);
        for (int pages = 0; next != null; pages++) {
            assertTrue(pages < 10, "too many pages");
            HttpResponse<String> response = service.send(service.request("").uri(next)
                    .header("Prefer", "odata.maxpagesize=2").GET().build());
            assertEquals(200, response.statusCode(), response.body());
            JsonNode page = TestService.json(response);
            page.get("value").forEach(document -> names.add(document.get("file_name").asText()));
            next = page.has("@odata.nextLink") ? URI.create(page.get("@odata.nextLink").asText()) : null;
        }
        return names;
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
