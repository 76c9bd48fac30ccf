package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.storage.DataSources;
import org.patientdocs.storage.EntityStore;
import org.patientdocs.storage.IndexCatalog;

import com.zaxxer.hikari.HikariDataSource;

/**
 * A page whose filter narrows by a property another index could find rows by is first looked for among the first
 * rows of its order ({@link CollectionQuery.Window}); over a real, migrated H2 with windows of a few rows, every page
 * is the same as H2's own plan reads, whether the window holds the page or not, and another tenant's rows stay out.
 */
class PageWindowTest {

    private static final int DOCUMENTS = 240;
    private static HikariDataSource database;
    private static Indexes windowed;
    private static StatementRunner store;

    @BeforeAll
    static void documentsOfTwoTenants() throws SQLException {
        database = DataSources.open(new ServiceConfig.Database("jdbc:h2:mem:windows-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "", "", 2, Duration.ofSeconds(5)), Dialect.H2);
        windowed = IndexCatalog.read(database, Dialect.H2).withWindowRows(8);
        store = new EntityStore(database);
        Random random = new Random(18);
        try (Connection connection = database.getConnection();
             PreparedStatement patient = connection.prepareStatement("INSERT INTO patient (tenant_id, id, version)"
                     + " VALUES (?, ?, 1)");
             PreparedStatement document = connection.prepareStatement("INSERT INTO document (tenant_id, id,"
                     + " patient_id, file_name, content_type, file_size_bytes, document_type, uploaded_by_id,"
                     + " uploaded_at, content_sha256, version) VALUES (?, ?, ?, ?, 'application/pdf', ?, ?, 'u', ?,"
                     + " 'x', 1)")) {
            for (String tenant : List.of(Parsed.TENANT, "other-clinic")) {
                for (int p = 1; p <= 3; p++) {
                    patient.setString(1, tenant);
                    patient.setString(2, "p" + p);
                    patient.executeUpdate();
                }
                for (int i = 0; i < DOCUMENTS; i++) {
                    document.setString(1, tenant);
                    document.setString(2, new UUID(random.nextLong(), random.nextLong()).toString());
                    document.setString(3, "p" + (1 + random.nextInt(3)));
                    // one in four a referral, and two rare ones
                    String name = i % 4 == 0 ? "referral-" + i : i == 101 || i == 102 ? "rare-" + i : "scan-" + i;
                    document.setString(4, name + ".pdf");
                    document.setLong(5, random.nextInt(50) * 1000L);
                    document.setString(6, i % 7 == 0 ? null : i % 3 == 0 ? "Referral" : "Imaging");
                    document.setObject(7, OffsetDateTime.parse("2026-01-01T00:00:00Z").plusMinutes(random.nextInt(90)));
                    document.executeUpdate();
                }
            }
        }
    }

    @AfterAll
    static void close() {
        database.close();
    }

    /** Each page's ids, page after page to the end, and the statements each page took. */
    private static List<List<String>> pages(String set, String query, Indexes indexes, int pageSize,
                                            List<Integer> statements) {
        CollectionQuery collection = Parsed.collection(set, query, indexes);
        List<List<String>> pages = new ArrayList<>();
        Keyset.Position position = null;
        long delivered = 0;
        do {
            CollectionQuery.Page page = collection.page(pageSize, position);
            AtomicInteger counted = new AtomicInteger();
            List<Row> rows = page.read(counting(counted));
            statements.add(counted.get());
            List<Row> shown = rows.subList(0, Math.min(rows.size(), page.pageRows()));
            pages.add(shown.stream().map(row -> (String) row.get("id")).toList());
            delivered += shown.size();
            position = page.hasMore(rows.size()) ? page.positionAfter(shown.get(shown.size() - 1), delivered) : null;
        } while (position != null);
        return pages;
    }

    private static StatementRunner counting(AtomicInteger statements) {
        return new StatementRunner() {
            @Override
            public List<Row> rows(SqlFragment statement, RowLayout layout) {
                statements.incrementAndGet();
                return store.rows(statement, layout);
            }

            @Override
            public long count(SqlFragment statement) {
                throw new AssertionError("a page counts nothing");
            }

            @Override
            public Map<Object, Long> counts(SqlFragment statement, ColumnMap.Kind group) {
                throw new AssertionError("a page counts nothing");
            }
        };
    }

    @Test
    void everyPageIsTheOneH2sOwnPlanReads() {
        for (String[] shape : List.of(new String[] {"Documents", "$filter=startswith(file_name,'ref')"},
                new String[] {"Documents", "$filter=startswith(file_name,'ref')&$top=25"},
                new String[] {"Documents", "$filter=startswith(file_name,'ref')&$skip=7&$top=12"},
                new String[] {"Documents", "$filter=startswith(file_name,'rare')"},
                new String[] {"Documents", "$filter=startswith(file_name,'nothing')"},
                new String[] {"Documents", "$filter=startswith(file_name,'ref')&$orderby=uploaded_at desc"},
                new String[] {"Documents", "$filter=startswith(file_name,'scan')&$orderby=file_size_bytes desc"},
                new String[] {"Documents", "$filter=file_name in ('rare-101.pdf','scan-5.pdf','referral-8.pdf')"
                        + "&$orderby=uploaded_at"},
                new String[] {"Patients('p2')/Documents", "$filter=startswith(file_name,'ref')"
                        + "&$orderby=uploaded_at desc"},
                new String[] {"Documents", "$filter=document_type eq 'Imaging'&$orderby=file_name desc"},
                new String[] {"Documents", "$filter=document_type eq 'Imaging'&$orderby=file_size_bytes"},
                new String[] {"Documents", "$filter=document_type eq 'Nothing'&$orderby=file_name"},
                // nulls first: the window is the nulls, or the nulls and the types up to one
                new String[] {"Documents", "$filter=startswith(file_name,'ref')&$orderby=document_type"},
                new String[] {"Documents", "$filter=startswith(file_name,'scan')&$orderby=document_type&$top=1"},
                // nulls last: the window is the types down to one, or reaches the nulls and is not read
                new String[] {"Documents", "$filter=startswith(file_name,'ref')&$orderby=document_type desc"},
                new String[] {"Documents", "$filter=startswith(file_name,'scan')&$orderby=document_type desc"
                        + "&$top=11"})) {
            // pages of three: windows of 80 rows, a third of the tenant's
            List<List<String>> expected = pages(shape[0], shape[1], Indexes.NONE, 3, new ArrayList<>());
            List<List<String>> read = pages(shape[0], shape[1], windowed, 3, new ArrayList<>());
            assertEquals(expected, read, shape[0] + "?" + shape[1]);
        }
        assertEquals(60, pages("Documents", "$filter=startswith(file_name,'ref')", windowed, 3, new ArrayList<>())
                .stream().mapToInt(List::size).sum(), "the tenant's own referrals, and only those");
    }

    /**
     * A filter that keeps one row in four (or two in three) finds its page of ten in a window of twenty rows per row:
     * two statements, the window's bound and the page. Two rare rows cannot fill a page of ten: the window comes up
     * short, and the page is read as H2 chooses: three.
     */
    @Test
    void aCommonMatchIsReadFromTheWindowAndARareOneAsH2Chooses() {
        List<Integer> common = new ArrayList<>();
        pages("Documents", "$filter=startswith(file_name,'ref')&$top=10", windowed, 10, common);
        assertEquals(List.of(2), common);
        List<Integer> typed = new ArrayList<>();
        pages("Documents", "$filter=document_type eq 'Imaging'&$orderby=file_size_bytes&$top=10", windowed, 10, typed);
        assertEquals(List.of(2), typed);
        List<Integer> rare = new ArrayList<>();
        assertEquals(2, pages("Documents", "$filter=startswith(file_name,'rare')&$top=10", windowed, 10, rare)
                .get(0).size());
        assertEquals(List.of(3), rare);
    }

    /**
     * A window where the filter narrows by a property another index could answer, or where a property it holds equal
     * leads an order no index has; none where an index has the order and the filter narrows by nothing else, or the
     * first key it would bound has nulls.
     */
    @Test
    void onlyAFilterAnotherIndexCouldAnswerGetsAWindow() {
        for (String query : List.of("$filter=startswith(file_name,'ref')",
                "$filter=document_type eq 'Imaging'&$orderby=file_size_bytes")) {
            assertNotNull(Parsed.collection("Documents", query, windowed).page(10, null).window(), query);
        }
        for (String query : List.of("$orderby=uploaded_at desc", "$filter=contains(file_name,'ref')",
                "$filter=document_type eq 'Imaging'&$orderby=uploaded_at",
                "$filter=document_type eq 'Imaging'&$orderby=file_name",
                "$filter=document_type eq 'Referral' and startswith(file_name,'ref')&$orderby=uploaded_at",
                "$filter=startswith(file_name,'ref')&$orderby=description")) {
            assertNull(Parsed.collection("Documents", query, windowed).page(10, null).window(), query);
        }
        assertNull(Parsed.collection("Documents", "$filter=startswith(file_name,'ref')", Indexes.NONE)
                .page(10, null).window(), "PostgreSQL plans for itself");
    }
}
