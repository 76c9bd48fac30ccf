package org.patientdocs.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.patientdocs.storage.AuditEvent;
import org.patientdocs.storage.AuditTrail;

/**
 * The cost of the audit trail: each representative request's requests per second on the service as it runs (every
 * read recorded, durably, before its answer; every change with its transaction) and on the same service with an audit
 * trail that records nothing, which only this benchmark can start ({@link BenchService#start(BenchDatabase, String,
 * Path, java.util.function.UnaryOperator)}; no configuration turns the audit off). Both run at once over the same
 * database and are measured in alternating rounds, so that the machine's noise hits both alike; the table shows the
 * median of the rounds and the ratio, whose target is {@value #TARGET} or more.
 */
final class AuditSuite {

    /** With audit, at least this share of the requests per second without. */
    static final double TARGET = 0.8;
    private static final int ROUNDS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records nothing: what the service would cost without its audit trail. */
    private static final AuditTrail NONE = new AuditTrail() {
        @Override
        public Receipt record(AuditEvent event) {
            return Receipt.RECORDED;
        }

        @Override
        public void recordWithChange(AuditEvent event) {
            // measured without audit
        }

        @Override
        public void awaitWritten() {
            // nothing is written
        }
    };

    private final BenchOptions options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private AuditSuite(BenchOptions options) {
        this.options = options;
    }

    /** One request, made for a given service (a document of its own to download, say). */
    private record Request(String name, Function<BenchService, HttpRequest> make) {
    }

    static void run(BenchOptions options, BenchDatabase database) throws Exception {
        System.out.printf(Locale.ROOT, "%n== Audit suite: %s, %,d patients, %,d documents, %d clients ==%n",
                options.store(), options.patients(), options.docs(), options.clients());
        Path dataDir = options.workDir().resolve("audit");
        BenchService.start(database, "filesystem", dataDir.resolve("audited")).close();
        new DataLoader().load(database, options.patients(), options.docs());
        try (BenchService audited = BenchService.start(database, "filesystem", dataDir.resolve("audited"));
             BenchService unaudited = BenchService.start(database, "filesystem", dataDir.resolve("unaudited"),
                     trail -> NONE)) {
            new AuditSuite(options).measure(audited, unaudited);
        }
    }

    private void measure(BenchService audited, BenchService unaudited) throws Exception {
        String patient = "Patients('" + DataLoader.patientId(options.patients() / 2) + "')";
        String document = JSON.readTree(send(audited.request(patient + "/Documents?$top=1&$select=id").GET()
                .build()).body()).get("value").get(0).get("id").asText();
        // concurrent changes of one document would refuse each other (412): each PATCH takes the next of many
        List<String> patched = new ArrayList<>();
        JSON.readTree(send(audited.request("Documents?$top=500&$select=id").GET().build()).body()).get("value")
                .forEach(d -> patched.add(d.get("id").asText()));
        AtomicInteger next = new AtomicInteger();
        String auditedUpload = audited.uploadPdf(http, patient, 10_000);
        String unauditedUpload = unaudited.uploadPdf(http, patient, 10_000);
        List<Request> requests = List.of(
                get("patient's documents, newest first", patient + "/Documents?$orderby=uploaded_at%20desc"),
                get("document_type filter, $count, $top=100",
                        "Documents?$filter=document_type%20eq%20'Referral'&$count=true&$top=100"),
                get("$expand", "Patients?$top=10&$expand=Documents"),
                get("page 1 of Documents (1,000)", "Documents"),
                get("a document by key", "Documents('" + document + "')"),
                new Request("download 10 kB", service -> service.request("Documents('"
                        + (service == audited ? auditedUpload : unauditedUpload) + "')/$value").GET().build()),
                new Request("PATCH a document's description", service -> service.request("Documents('"
                        + patched.get(next.getAndIncrement() % patched.size()) + "')")
                        .header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"description\":\"audited\"}"))
                        .build()));
        System.out.printf(Locale.ROOT, "%-40s %12s %12s %7s%n", "request (requests/s, median of " + ROUNDS
                + " rounds)", "no audit", "audit", "ratio");
        for (Request request : requests) {
            for (int i = 0; i < options.warmup(); i++) {
                check(send(request.make().apply(unaudited)));
                check(send(request.make().apply(audited)));
            }
            Samples without = new Samples();
            Samples with = new Samples();
            for (int round = 0; round < ROUNDS; round++) {
                without.add(throughput(request, unaudited));
                with.add(throughput(request, audited));
            }
            double ratio = with.median() / without.median();
            System.out.printf(Locale.ROOT, "%-40s %12.0f %12.0f %6.0f%% %s%n", request.name(), without.median(),
                    with.median(), ratio * 100, ratio >= TARGET ? "" : "below the target of "
                            + Math.round(TARGET * 100) + " %");
        }
    }

    private static Request get(String name, String url) {
        return new Request(name, service -> service.request(url).header("Accept", "application/json").GET()
                .build());
    }

    /** Requests per second with {@code --clients} clients sending the request back to back. */
    private double throughput(Request request, BenchService service) throws Exception {
        int clients = options.clients();
        int perClient = Math.max(1, options.iterations() / clients);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long started = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        check(send(request.make().apply(service)));
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
            return clients * perClient / ((System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.uri().getPath() + " answered " + response.statusCode() + ": "
                    + (response.body().length() > 300 ? response.body().substring(0, 300) : response.body()));
        }
    }
}
