package org.patientdocs.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.patientdocs.query.SqlFragment;

/**
 * The query suite: loads the data set, then times each representative request over HTTP next to its two floors,
 * measured in the same rounds so that the machine's noise hits all three alike: the request's own SQL through JDBC
 * ({@link JdbcFloor}) and the service's cheapest request, the service document. The same rounds also fetch a copy of
 * the request's answer from a plain servlet ({@link PlainJetty}): a reference for what moving its bytes costs, not part
 * of the floor.
 */
final class QuerySuite {

    /** A request's p50 may be at most this many times its floor (bare SQL p50 + service document p50). */
    static final double FLOOR_TARGET = 1.5;
    /** The thousandth page's p50 may be at most this many times the first page's. */
    static final double PAGE_TARGET = 1.5;

    /**
     * How long the timed rounds of one request, and its concurrent phase, may take (its warm-up a third of it): a
     * slow request is timed fewer than {@code --iterations} times (at least {@link #MIN_ITERATIONS}); the table shows
     * how many.
     */
    private static final long BUDGET_NANOS = 60_000_000_000L;
    private static final int MIN_ITERATIONS = 10;
    /** Statements slower than this through JDBC get their plan printed. */
    private static final double PLAN_THRESHOLD_NANOS = 10_000_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchOptions options;
    private final BenchService service;
    private final JdbcFloor floor;
    private final PlainJetty plain;
    private final ScenarioSql translator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private QuerySuite(BenchOptions options, BenchService service, JdbcFloor floor, PlainJetty plain) {
        this.options = options;
        this.service = service;
        this.floor = floor;
        this.plain = plain;
        this.translator = new ScenarioSql(service.config, floor);
    }

    static void run(BenchOptions options, BenchDatabase database) throws Exception {
        System.out.printf(Locale.ROOT, "%n== Query suite: %s, %,d patients, %,d documents ==%n", options.store(),
                options.patients(), options.docs());
        Path dataDir = options.workDir().resolve("query");
        // the service migrates the schema at start; the load runs with the service stopped
        BenchService.start(database, "filesystem", dataDir).close();
        long started = System.nanoTime();
        new DataLoader().load(database, options.patients(), options.docs());
        System.out.printf(Locale.ROOT, "loaded in %.1f s (JDBC batches of 5,000 rows, then %s)%n",
                (System.nanoTime() - started) / 1e9,
                options.store().equals("postgres") ? "VACUUM ANALYZE" : "ANALYZE and SHUTDOWN COMPACT");
        try (BenchService service = BenchService.start(database, "filesystem", dataDir);
             JdbcFloor floor = new JdbcFloor(database);
             PlainJetty plain = PlainJetty.start()) {
            new QuerySuite(options, service, floor, plain).measure();
        }
        // a service connected as production connects: the query suite's PostgreSQL plans every statement anew, so
        // that its floor and the service run the same plans, which the speed targets (against other servers and
        // the 401) have no use for; by hand, its 50- and 100-row lists ran 12 to 34 % slower so
        try (BenchService service = BenchService.start(database.withDriverDefaults(), "filesystem", dataDir)) {
            new SpeedTargets(options, service).measure();
        }
        if (options.store().equals("h2")) {
            StartTime.measure(options, database);
        }
    }

    private void measure() throws Exception {
        String patient = encode("Patients('" + DataLoader.patientId(options.patients() / 2) + "')");
        String word = DataLoader.SPECIALTIES.get(0);
        List<Scenario> scenarios = new ArrayList<>(List.of(
                new Scenario("patient's documents, newest first", patient + "/Documents?$orderby=uploaded_at%20desc",
                        Scenario.counted(newestFirst())),
                new Scenario("document_type filter, $count",
                        encode("Documents?$filter=document_type eq 'Referral'&$count=true&$top=100"),
                        Scenario.counted(Scenario.everyEntity("document_type is Referral",
                                e -> e.path("document_type").asText().equals("Referral")))),
                new Scenario("startswith(file_name)",
                        encode("Documents?$filter=startswith(file_name,'lab-report-2025-03')&$top=100"),
                        Scenario.everyEntity("file_name starts with lab-report-2025-03",
                                e -> e.path("file_name").asText().startsWith("lab-report-2025-03"))),
                new Scenario("$search", "Documents?$search=" + word + "&$top=100",
                        Scenario.everyEntity("mentions " + word, e -> Scenario.mentions(e, word))),
                new Scenario("$expand", "Patients?$top=10&$expand=Documents",
                        Scenario.everyEntity("has its Documents expanded", e -> e.path("Documents").isArray())),
                new Scenario("$apply: documents per type",
                        encode("Documents?$apply=groupby((document_type),aggregate($count as n))"),
                        Scenario.everyEntity("counts a type", e -> e.path("n").asLong() > 0)),
                new Scenario("$apply: documents per patient, top 10",
                        encode("Documents?$apply=groupby((patient_id),aggregate($count as n))&$orderby=n desc"
                                + "&$top=10"), topTenByCount()),
                new Scenario("$apply: total bytes per month",
                        encode("Documents?$apply=compute(year(uploaded_at) as y,month(uploaded_at) as m)"
                                + "/groupby((y,m),aggregate(file_size_bytes with sum as total))"),
                        Scenario.everyEntity("sums a month", e -> e.path("m").asInt() >= 1
                                && e.path("total").asLong() >= 0))));
        Pages pages = walkPages("Documents");
        Scenario first = new Scenario("page 1 of Documents", "Documents", fullPage());
        Scenario last = new Scenario("page " + pages.count() + " via nextLinks", pages.lastUrl(), fullPage());
        scenarios.add(first);
        scenarios.add(last);

        List<Result> results = new ArrayList<>();
        QueryReport.header();
        for (Scenario scenario : scenarios) {
            Result result = measure(scenario);
            QueryReport.row(result);
            results.add(result);
        }
        QueryReport.answers(results);
        QueryReport.pages(results.get(results.size() - 2), results.get(results.size() - 1));
        QueryReport.statements(results);
        QueryReport.plans(results, PLAN_THRESHOLD_NANOS, floor);
    }

    /** Follows nextLinks from the first page to the thousandth (or the last, in a smaller data set). */
    private Pages walkPages(String firstUrl) throws IOException, InterruptedException {
        String url = firstUrl;
        int page = 1;
        long started = System.nanoTime();
        while (page < 1000) {
            HttpResponse<String> response = http.send(service.request(url).header("Accept", "application/json")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("page " + page + " answered " + response.statusCode() + ": "
                        + abbreviate(response.body()));
            }
            JsonNode next = JSON.readTree(response.body()).get("@odata.nextLink");
            if (next == null) {
                break;
            }
            url = relative(next.asText());
            page++;
        }
        System.out.printf(Locale.ROOT, "followed nextLinks to page %d in %.1f s (%.1f ms per page)%n", page,
                (System.nanoTime() - started) / 1e9, (System.nanoTime() - started) / 1e6 / page);
        return new Pages(page, url);
    }

    private Result measure(Scenario scenario) throws Exception {
        HttpResponse<String> probe = send(scenario.url());
        if (probe.statusCode() != 200) {
            return Result.unsupported(scenario, probe.statusCode() + " " + abbreviate(probe.body()));
        }
        String problem = scenario.check().apply(JSON.readTree(probe.body()));
        if (problem != null) {
            return Result.unsupported(scenario, "wrong answer: " + abbreviate(problem));
        }
        byte[] body = probe.body().getBytes(StandardCharsets.UTF_8);
        URI answer = plain.serve(probe.headers().firstValue("Content-Type").orElseThrow(), body);
        List<SqlFragment> sql = translator.statements(scenario.url());
        List<Samples> perStatement = new ArrayList<>();
        List<Samples> warmupStatements = new ArrayList<>();
        for (int i = 0; i < sql.size(); i++) {
            perStatement.add(new Samples());
            warmupStatements.add(new Samples());
        }
        long warm = System.nanoTime() + BUDGET_NANOS / 3;
        for (int i = 0; i < options.warmup() && (i < 1 || System.nanoTime() < warm); i++) {
            time(scenario.url());
            floor.run(sql, warmupStatements);
            time("");
            time(answer);
        }
        Samples latency = new Samples();
        Samples sqlLatency = new Samples();
        Samples serviceDocument = new Samples();
        Samples answerLatency = new Samples();
        long deadline = System.nanoTime() + BUDGET_NANOS;
        for (int i = 0; i < options.iterations() && (i < MIN_ITERATIONS || System.nanoTime() < deadline); i++) {
            latency.add(time(scenario.url()));
            sqlLatency.add(floor.run(sql, perStatement));
            serviceDocument.add(time(""));
            answerLatency.add(time(answer));
        }
        return new Result(scenario, sql, perStatement, body.length, throughput(scenario.url()), latency, sqlLatency,
                serviceDocument, answerLatency, null);
    }

    /** Requests per second with {@code --clients} clients sending the request back to back. */
    private double throughput(String url) throws Exception {
        int clients = options.clients();
        int perClient = Math.max(1, options.iterations() / clients);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long started = System.nanoTime();
            List<Future<Integer>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    int sent = 0;
                    while (sent < perClient && (sent < 1 || System.nanoTime() < deadline)) {
                        time(url);
                        sent++;
                    }
                    return sent;
                }));
            }
            int sent = 0;
            for (Future<Integer> client : running) {
                sent += client.get();
            }
            return sent / ((System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private long time(String url) throws IOException, InterruptedException {
        return time(service.base.resolve(url));
    }

    /** The nanoseconds from sending the request to having read the whole answer, which must be 200. */
    private long time(URI uri) throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<String> response = send(uri);
        long elapsed = System.nanoTime() - started;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        return elapsed;
    }

    private HttpResponse<String> send(String url) throws IOException, InterruptedException {
        return send(service.base.resolve(url));
    }

    /** A GET as the service's requests are sent (credentials, Accept), to the service or to {@link #plain}. */
    private HttpResponse<String> send(URI uri) throws IOException, InterruptedException {
        return http.send(service.request(uri).header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String relative(String absolute) {
        String base = service.base.toString();
        if (!absolute.startsWith(base)) {
            throw new IllegalStateException("a nextLink outside the service: " + absolute);
        }
        return absolute.substring(base.length());
    }

    /** The answer holds documents, newest first. */
    private static Function<JsonNode, String> newestFirst() {
        return body -> {
            Instant previous = Instant.MAX;
            for (JsonNode entity : body.path("value")) {
                Instant uploaded = Instant.parse(entity.path("uploaded_at").asText());
                if (uploaded.isAfter(previous)) {
                    return "uploaded_at is not descending at " + entity;
                }
                previous = uploaded;
            }
            return previous == Instant.MAX ? "no entities in the answer" : null;
        };
    }

    /** A page of a long collection: full, unless it is the last. */
    private static Function<JsonNode, String> fullPage() {
        return body -> body.path("value").size() == 1000 || !body.has("@odata.nextLink") ? null
                : "a page with a nextLink holds " + body.path("value").size() + " entities";
    }

    /** Percent-encodes what a URI may not hold literally in these URLs: spaces. */
    /** Ten patients, each with as many documents as the next or more. */
    private static Function<JsonNode, String> topTenByCount() {
        return body -> {
            JsonNode value = body.path("value");
            if (value.size() != 10) {
                return value.size() + " rows, not 10";
            }
            for (int i = 1; i < value.size(); i++) {
                if (value.get(i).path("n").asLong() > value.get(i - 1).path("n").asLong()) {
                    return "not by count, highest first: " + value;
                }
            }
            return null;
        };
    }

    private static String encode(String url) {
        return url.replace(" ", "%20");
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    private record Pages(int count, String lastUrl) {
    }

    /**
     * One scenario's figures; latencies in nanoseconds.
     *
     * @param perStatement  the bare SQL's latency per statement, in the order of {@code sql}
     * @param responseBytes the size of the answer's body
     * @param answer        the same answer's bytes fetched from {@link PlainJetty}: a reference, not in the floor
     * @param unsupported why the scenario could not be measured (the service's answer), or null
     */
    record Result(Scenario scenario, List<SqlFragment> sql, List<Samples> perStatement, long responseBytes,
                  double requestsPerSecond, Samples latency, Samples sqlLatency, Samples serviceDocument,
                  Samples answer, String unsupported) {

        static Result unsupported(Scenario scenario, String why) {
            return new Result(scenario, List.of(), List.of(), 0, 0, null, null, null, null, why);
        }

        /** The request's p50 over its floor: bare SQL p50 plus service document p50. */
        double floorRatio() {
            return latency.median() / (sqlLatency.median() + serviceDocument.median());
        }
    }
}
