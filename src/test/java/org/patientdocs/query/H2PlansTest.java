package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.olingo.server.api.uri.UriInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.storage.DataSources;
import org.patientdocs.storage.IndexCatalog;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The indexes H2 takes for the request shapes of issue 18 that read a whole tenant without them, over the
 * service's own schema (migrated as at start) and the statements the service builds. H2's plan does not depend on
 * how many rows there are here: it weighs indexes by their columns against the WHERE and the ORDER BY. Timings of
 * the same shapes over a million documents are the benchmark's.
 */
class H2PlansTest {

    private static HikariDataSource database;
    private static Indexes indexes;

    @BeforeAll
    static void migratedSchema() {
        database = DataSources.open(new ServiceConfig.Database("jdbc:h2:mem:plans-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "", "", 2, Duration.ofSeconds(5)), Dialect.H2);
        indexes = IndexCatalog.read(database, Dialect.H2);
    }

    private static String pagePlan(String set, String query) throws SQLException {
        return plan(Parsed.collection(set, query, indexes).page(50, null).rows());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static String plan(SqlFragment statement) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + statement.sql())) {
            for (int i = 0; i < statement.params().size(); i++) {
                explain.setObject(i + 1, statement.params().get(i));
            }
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void documentsOfOneTypeNewestFirstReadTheirPageInIndexOrder() throws SQLException {
        String plan = pagePlan("Documents", "$filter=document_type eq 'Referral'&$orderby=uploaded_at desc&$top=50");
        assertTrue(plan.contains("PUBLIC.DOCUMENT_TYPE_UPLOADED:"), plan);
        assertTrue(plan.contains("/* index sorted */"), plan);
    }

    /** Documents of one type by file name: the names often start with the type, so the name's index is no help. */
    @Test
    void documentsOfOneTypeByFileNameReadTheirPageInIndexOrder() throws SQLException {
        String plan = pagePlan("Documents", "$filter=document_type eq 'Imaging'&$orderby=file_name&$top=50");
        assertTrue(plan.contains("PUBLIC.DOCUMENT_TYPE_FILE_NAME:") && plan.contains("/* index sorted */"), plan);
    }

    /**
     * H2 took the key's index for these and sorted every document of the tenant (of the patient): an index read
     * backwards has them newest first, and an unindexed filter is checked on the way.
     */
    @Test
    void newestFirstIsAnIndexReadBackwards() throws SQLException {
        for (String[] shape : List.of(new String[] {"Documents", "$orderby=uploaded_at desc", "DOCUMENT_UPLOADED"},
                new String[] {"Documents", "$filter=file_size_bytes gt 100000&$orderby=uploaded_at desc",
                        "DOCUMENT_UPLOADED"},
                new String[] {"Documents", "$filter=patient_id eq 'p1'&$orderby=uploaded_at desc",
                        "DOCUMENT_PATIENT_UPLOADED"},
                new String[] {"Patients('p1')/Documents", "$orderby=uploaded_at desc", "DOCUMENT_PATIENT_UPLOADED"},
                new String[] {"Documents", "$orderby=file_name desc", "DOCUMENT_FILE_NAME"})) {
            String plan = pagePlan(shape[0], shape[1] + "&$top=50");
            assertTrue(plan.contains("PUBLIC." + shape[2] + ":") && plan.contains("/* index sorted */"),
                    shape[1] + ": " + plan);
        }
    }

    /**
     * A property no index has, held equal by the filter, is left out of the order (it would come first and keep the
     * size's index from serving it): the largest PDFs are the size index read backwards, checked on the way.
     */
    @Test
    void anUnindexedPropertyHeldEqualLeavesTheOrderToTheIndexOfTheSortedProperty() throws SQLException {
        SqlFragment statement = Parsed.collection("Documents",
                "$filter=content_type eq 'application/pdf'&$orderby=file_size_bytes desc&$top=100", indexes)
                .page(100, null).rows();
        assertTrue(statement.sql().contains("t0.file_size_bytes AS k0, t0.id AS k1 FROM"), statement.sql());
        String plan = plan(statement);
        assertTrue(plan.contains("PUBLIC.DOCUMENT_FILE_SIZE:") && plan.contains("/* index sorted */"), plan);
    }

    /**
     * Only a filter that narrows the rows by an indexed property (equal to a value, in a list, startswith, between
     * two bounds) leaves the choice to H2; a bound on one side does not, nor does a property no index has.
     */
    @Test
    void whatTheFilterNarrowsByDecidesWhetherTheStatementNamesAnIndex() {
        String range = "$filter=uploaded_at ge 2025-03-01T00:00:00Z and uploaded_at lt 2025-04-01T00:00:00Z";
        for (String[] shape : List.of(new String[] {range + "&$orderby=document_type", null},
                new String[] {"$filter=uploaded_at ge 2025-03-01T00:00:00Z&$orderby=document_type", "DOCUMENT_TYPE"},
                new String[] {"$filter=file_name in ('a.pdf','b.pdf')&$orderby=uploaded_at desc", null},
                new String[] {"$filter=contains(file_name,'ref')&$orderby=uploaded_at desc", "DOCUMENT_UPLOADED"},
                new String[] {"$filter=description eq 'x' or file_name eq 'y'", "DOCUMENT_TENANT"})) {
            String sql = Parsed.collection("Documents", shape[0], indexes).page(50, null).rows().sql();
            int hint = sql.indexOf(" USE INDEX (");
            assertEquals(shape[1], hint < 0 ? null : sql.substring(hint + 12, sql.indexOf(')', hint)), shape[0]);
        }
    }

    /** A filter an index can answer by itself is left to H2, which then weighs that index against the order's. */
    @Test
    void aFilterAnotherIndexCanAnswerLeavesTheChoiceToH2() throws SQLException {
        SqlFragment statement = Parsed.collection("Documents",
                "$filter=startswith(file_name,'ref')&$orderby=uploaded_at desc&$top=50", indexes).page(50, null).rows();
        assertFalse(statement.sql().contains("USE INDEX"), statement.sql());
        String plan = plan(statement);
        assertTrue(plan.contains("PUBLIC.DOCUMENT_FILE_NAME: TENANT_ID = ?1") && plan.contains("FILE_NAME >="), plan);
    }

    /**
     * That choice reads every document whose name starts so, and sorts them: seconds when a million documents' names
     * start with {@code ref}. First, the page is looked for among the first rows of its order, read through the index
     * of that order: the window's bound, and the page up to it, both read that index in order and stop early.
     */
    @Test
    void aWindowReadsTheFirstRowsOfThePagesOrderThroughItsIndex() throws SQLException {
        CollectionQuery.Window window = Parsed.collection("Documents",
                "$filter=startswith(file_name,'ref')&$orderby=uploaded_at desc&$top=50", indexes).page(50, null)
                .window();
        String bound = plan(window.bound());
        assertTrue(bound.contains("PUBLIC.DOCUMENT_UPLOADED: TENANT_ID = ?1") && bound.contains("/* index sorted */"),
                bound);
        String page = plan(window.upTo().apply(new Row(window.boundLayout(), new Object[] {Parsed.NOW})));
        assertTrue(page.contains("PUBLIC.DOCUMENT_UPLOADED: TENANT_ID = ?1") && page.contains("AND UPLOADED_AT >= ?")
                && page.contains("/* index sorted */"), page);
    }

    /**
     * Nulls come first in an ascending order: a window up to a type is the nulls and the types up to it, two ranges
     * of the type's index, each read in its order.
     */
    @Test
    void aWindowOverAnOrderWithNullsFirstReadsTheNullsAndTheRestAsTwoRanges() throws SQLException {
        String range = "$filter=uploaded_at ge 2025-03-01T00:00:00Z and uploaded_at lt 2025-04-01T00:00:00Z";
        CollectionQuery.Window window = Parsed.collection("Documents", range + "&$orderby=document_type&$top=50",
                indexes).page(50, null).window();
        String page = plan(window.upTo().apply(new Row(window.boundLayout(), new Object[] {"Imaging"})));
        assertEquals(2, page.split("PUBLIC.DOCUMENT_TYPE: TENANT_ID = ?", -1).length - 1, page);
        assertTrue(page.contains("DOCUMENT_TYPE IS NULL") && page.contains("DOCUMENT_TYPE <= ?"), page);
        assertEquals(2, page.split("/\\* index sorted \\*/", -1).length - 1, page);
    }

    /**
     * H2 counts an index's columns past those it uses against it, so a new index can take a shape from the index
     * that served it in order (a longer {@code document_uploaded} did: {@code $orderby=uploaded_at} then sorted every
     * document of the tenant). Each of these pages is read in the index's order, nothing sorted, whether or not the
     * statement names the index.
     */
    @Test
    void pagesInTheOrderOfAnIndexStayUnsorted() throws SQLException {
        for (String query : List.of("", "$orderby=uploaded_at", "$orderby=file_name", "$orderby=document_type",
                "$filter=document_type eq 'Referral'")) {
            for (Indexes named : List.of(Indexes.NONE, indexes)) {
                String plan = plan(Parsed.collection("Documents", query + "&$top=50", named).page(50, null).rows());
                assertTrue(plan.contains("/* index sorted */"), query + ": " + plan);
            }
        }
    }

    @Test
    void bytesPerMonthAreSummedFromTheIndexByTime() throws SQLException {
        UriInfo uri = Parsed.parse("Documents", "$apply=compute(year(uploaded_at) as y,month(uploaded_at) as m)"
                + "/groupby((y,m),aggregate(file_size_bytes with sum as total))");
        String plan = plan(ApplyQuery.of(Parsed.context(Dialect.H2, uri), Target.of(uri), uri, Set.of())
                .rows(null, null, 0, 100));
        assertTrue(plan.contains("PUBLIC.DOCUMENT_UPLOADED_SIZE:"), plan);
    }
}
