package org.patientdocs.bench;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

import org.patientdocs.query.SqlFragment;

/**
 * Prints the query suite's table, one row as soon as each request is measured: its figures, its floors, its ratio and
 * whether it meets the target; then what each answer's bytes alone cost to fetch, the thousandth page against the
 * first, and the SQL behind each request.
 */
final class QueryReport {

    private static final String ROW = "%-36s %5s %5s %7s %8s %8s | %8s %8s %8s | %6s %-4s%n";

    private QueryReport() {
    }

    static void header() {
        System.out.println();
        System.out.println("Latency in ms over HTTP (n sequential requests, one connection); req/s with concurrent"
                + " clients; KiB: size of the answer.");
        System.out.println("floor = bare SQL p50 (the same statements through JDBC) + service document p50, measured in"
                + " the same rounds; target: p50 <= " + QuerySuite.FLOOR_TARGET + " x floor");
        System.out.printf(Locale.ROOT, ROW, "scenario", "KiB", "n", "req/s", "p50", "p99", "SQL p50", "doc p50",
                "floor", "ratio", "");
    }

    static void row(QuerySuite.Result result) {
        if (result.unsupported() != null) {
            System.out.printf(Locale.ROOT, "%-36s not measured: %s%n", result.scenario().name(), result.unsupported());
            return;
        }
        double ratio = result.floorRatio();
        System.out.printf(Locale.ROOT, ROW, result.scenario().name(), result.responseBytes() >> 10,
                result.latency().size(),
                String.format(Locale.ROOT, result.requestsPerSecond() < 10 ? "%.1f" : "%.0f",
                        result.requestsPerSecond()), ms(result.latency().median()),
                ms(result.latency().percentile(99)), ms(result.sqlLatency().median()),
                ms(result.serviceDocument().median()),
                ms(result.sqlLatency().median() + result.serviceDocument().median()),
                String.format(Locale.ROOT, "%.2f", ratio), verdict(ratio <= QuerySuite.FLOOR_TARGET));
    }

    /** Each answer's copy served by a plain servlet, against the service document: a reference, not in the target. */
    static void answers(List<QuerySuite.Result> results) {
        System.out.println();
        System.out.println("Reference, not part of the floor or the target: each answer's own bytes, served from memory"
                + " by a plain Jetty servlet in this JVM and fetched like the service's requests, in the same rounds:");
        for (QuerySuite.Result result : results) {
            if (result.unsupported() != null) {
                continue;
            }
            double answer = result.answer().median();
            double aboveDocument = answer - result.serviceDocument().median();
            System.out.printf(Locale.ROOT, "  %-36s answer bytes alone: p50 %s ms (%s ms %s than the service"
                    + " document's)%n", result.scenario().name(), ms(answer), ms(Math.abs(aboveDocument)),
                    aboveDocument >= 0 ? "more" : "less");
        }
    }

    static void pages(QuerySuite.Result firstPage, QuerySuite.Result lastPage) {
        if (firstPage.unsupported() != null || lastPage.unsupported() != null) {
            return;
        }
        double ratio = lastPage.latency().median() / firstPage.latency().median();
        System.out.printf(Locale.ROOT, "%n%s p50 / %s p50 = %s / %s ms = %.2f (target <= %.1f) %s%n",
                lastPage.scenario().name(), firstPage.scenario().name(), ms(lastPage.latency().median()),
                ms(firstPage.latency().median()), ratio, QuerySuite.PAGE_TARGET,
                verdict(ratio <= QuerySuite.PAGE_TARGET));
    }

    static void statements(List<QuerySuite.Result> results) {
        System.out.println();
        System.out.println("Requests (relative to the service root) and the SQL the service runs for them, each with"
                + " its p50 through JDBC:");
        for (QuerySuite.Result result : results) {
            System.out.printf(Locale.ROOT, "  %-36s GET /%s%n", result.scenario().name(), result.scenario().url());
            for (int i = 0; i < result.sql().size(); i++) {
                SqlFragment sql = result.sql().get(i);
                System.out.printf(Locale.ROOT, "  %-36s   [p50 %s ms] %s  %s%n", "",
                        ms(result.perStatement().get(i).median()), sql.sql(), abbreviate(sql.params()));
            }
        }
    }

    /** The plans of the statements whose bare p50 exceeds {@code thresholdNanos}: where the time of a slow one goes. */
    static void plans(List<QuerySuite.Result> results, double thresholdNanos, JdbcFloor floor) throws SQLException {
        System.out.println();
        System.out.printf(Locale.ROOT, "Plans of the statements slower than %s ms through JDBC (EXPLAIN ANALYZE):%n",
                ms(thresholdNanos));
        for (QuerySuite.Result result : results) {
            for (int i = 0; i < result.sql().size(); i++) {
                if (result.perStatement().get(i).median() > thresholdNanos) {
                    System.out.printf(Locale.ROOT, "  %s, statement %d:%n", result.scenario().name(), i + 1);
                    for (String line : floor.explain(result.sql().get(i))) {
                        System.out.println("    " + line);
                    }
                }
            }
        }
    }

    static String verdict(boolean met) {
        return met ? "PASS" : "MISS";
    }

    private static String abbreviate(List<Object> params) {
        String text = params.toString();
        return text.length() > 200 ? text.substring(0, 200) + "… (" + params.size() + " values)" : text;
    }

    private static String ms(double nanos) {
        double millis = nanos / 1e6;
        return String.format(Locale.ROOT, millis < 10 ? "%.2f" : "%.1f", millis);
    }
}
