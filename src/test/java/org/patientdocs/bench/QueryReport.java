package org.patientdocs.bench;

import java.util.List;
import java.util.Locale;

import org.patientdocs.query.SqlFragment;

/**
 * Prints the query suite's table, one row as soon as each request is measured: its figures, its floors, its ratio and
 * whether it meets the target; then the thousandth page against the first, and the SQL behind each request.
 */
final class QueryReport {

    private static final String ROW = "%-36s %5s %7s %8s %8s | %8s %8s %8s | %6s %-4s%n";

    private QueryReport() {
    }

    static void header() {
        System.out.println();
        System.out.println("Latency in ms over HTTP (n sequential requests, one connection); req/s with concurrent"
                + " clients.");
        System.out.println("floor = bare SQL p50 (the same statements through JDBC) + service document p50, measured in"
                + " the same rounds; target: p50 <= " + QuerySuite.FLOOR_TARGET + " x floor");
        System.out.printf(Locale.ROOT, ROW, "scenario", "n", "req/s", "p50", "p99", "SQL p50", "doc p50", "floor",
                "ratio", "");
    }

    static void row(QuerySuite.Result result) {
        if (result.unsupported() != null) {
            System.out.printf(Locale.ROOT, "%-36s not measured: %s%n", result.scenario().name(), result.unsupported());
            return;
        }
        double ratio = result.floorRatio();
        System.out.printf(Locale.ROOT, ROW, result.scenario().name(), result.latency().size(),
                String.format(Locale.ROOT, "%.0f", result.requestsPerSecond()), ms(result.latency().median()),
                ms(result.latency().percentile(99)), ms(result.sqlLatency().median()),
                ms(result.serviceDocument().median()),
                ms(result.sqlLatency().median() + result.serviceDocument().median()),
                String.format(Locale.ROOT, "%.2f", ratio), verdict(ratio <= QuerySuite.FLOOR_TARGET));
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
        System.out.println("Requests (relative to the service root) and the SQL the service runs for them, each with its p50 through JDBC:");
        for (QuerySuite.Result result : results) {
            System.out.printf(Locale.ROOT, "  %-36s GET /%s%n", result.scenario().name(), result.scenario().url());
            for (int i = 0; i < result.sql().size(); i++) {
                SqlFragment sql = result.sql().get(i);
                System.out.printf(Locale.ROOT, "  %-36s   [p50 %s ms] %s  %s%n", "",
                        ms(result.perStatement().get(i).median()), sql.sql(), abbreviate(sql.params()));
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
