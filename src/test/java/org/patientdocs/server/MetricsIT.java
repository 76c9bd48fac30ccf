package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics}: the Prometheus text format, open on the management port, on the service's port only to the
 * bearer of the metrics token; requests by route template, never by id; and every metric the Grafana dashboard in
 * {@code config/grafana} plots.
 */
class MetricsIT {

    private static final Path DASHBOARD = Path.of("config", "grafana", "patientdocs-dashboard.json");
    private static final String TOKEN = "metrics-token-for-the-test-0123456789";
    /** A PromQL metric name not followed by '(' (which makes it a function); possessive, so never a prefix. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");

    @Test
    void everyMetricTheDashboardPlotsIsExportedAndRequestsAreCountedByRouteNeverById() throws Exception {
        try (TestService service = TestService.start(Map.of("management.port", "0"))) {
            String patient = "metrics-1";
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + patient + "\"}").statusCode());
            byte[] pdf = Samples.pdf(50_000);
            Multipart form = new Multipart().file("file", "scan.pdf", Samples.PDF, pdf);
            HttpResponse<String> created = service.send(service.request("/Patients(" + patient + ")/Documents")
                    .header("Content-Type", form.contentType()).POST(form.publisher()).build());
            assertEquals(201, created.statusCode(), created.body());
            String id = TestService.json(created).get("id").asText();
            assertEquals(pdf.length, service.getBytes("/Documents('" + id + "')/$value").body().length);
            Multipart empty = new Multipart().file("file", "empty.pdf", Samples.PDF, new byte[0]);
            assertEquals(400, service.send(service.request("/Patients(" + patient + ")/Documents")
                    .header("Content-Type", empty.contentType()).POST(empty.publisher()).build()).statusCode());

            service.send(service.request("/Patients").method("BREW", HttpRequest.BodyPublishers.noBody()).build());

            // a request's series is recorded as it completes, which its client may see a moment before: the scrape
            // is asked again (a bounded number of times) until the last request's series is there
            String metrics = scrape(service, service.runtime.managementUri(), null);
            for (int attempt = 0; attempt < 50 && !metrics.contains("method=\"OTHER\""); attempt++) {
                metrics = scrape(service, service.runtime.managementUri(), null);
            }

            Set<String> exported = Arrays.stream(metrics.split("\n")).filter(line -> !line.startsWith("#"))
                    .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());
            Set<String> plotted = dashboardMetrics();
            assertFalse(plotted.isEmpty());
            Set<String> missing = new TreeSet<>(plotted);
            missing.removeAll(exported);
            assertEquals(Set.of(), missing, "plotted by the dashboard but not exported");

            assertTrue(metrics.contains("route=\"/Documents({id})/$value\""), metrics);
            assertTrue(metrics.contains("route=\"/Patients({id})/Documents\""), metrics);
            assertTrue(metrics.contains("patientdocs_uploads_refused_total{reason=\"EMPTY_FILE\"} 1.0"), metrics);
            // a method a client makes up is no series of its own
            assertTrue(metrics.contains("method=\"OTHER\""), metrics);
            assertFalse(metrics.contains("BREW"), metrics);
            assertTrue(counter(metrics, "patientdocs_upload_bytes_total") >= pdf.length, metrics);
            assertTrue(counter(metrics, "patientdocs_download_bytes_total") >= pdf.length, metrics);
            for (String secret : new String[] {id, patient, "scan.pdf", "empty.pdf"}) {
                assertFalse(metrics.contains(secret), secret + " in the metrics");
            }
        }
    }

    @Test
    void rateLimitRefusalsAreCountedByLimit() throws Exception {
        try (TestService service = TestService.start(Map.of("management.port", "0",
                "rate-limit.subject.requests-per-minute", "1", "rate-limit.subject.burst", "1"))) {
            assertEquals(200, service.get("/Patients").statusCode());
            assertEquals(429, service.get("/Patients").statusCode());
            String metrics = scrape(service, service.runtime.managementUri(), null);
            assertTrue(metrics.contains("patientdocs_rate_limit_refusals_total{limit=\"subject\"} 1.0"), metrics);
            assertTrue(metrics.contains("patientdocs_rate_limit_refusals_total{limit=\"api_key\"} 0.0"), metrics);
        }
    }

    @Test
    void withoutATokenTheServicePortDoesNotAnswerTheMetrics() throws Exception {
        try (TestService service = TestService.start(Map.of())) {
            HttpResponse<String> anonymous = get(service, service.base, null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertFalse(anonymous.body().contains("jvm_"), anonymous.body());
        }
    }

    @Test
    void theMetricsTokenOpensTheMetricsOnTheServicePort() throws Exception {
        try (TestService service = TestService.start(Map.of("management.metrics-token", TOKEN))) {
            for (String token : new String[] {null, "wrong", TOKEN + "x", TOKEN.substring(1)}) {
                ErrorAnswer refused = ErrorAnswer.of(get(service, service.base, token));
                assertEquals(401, refused.status(), refused.toString());
                assertEquals("UNAUTHORIZED", refused.code());
            }
            assertTrue(scrape(service, service.base, TOKEN).contains("jvm_memory_used_bytes"));
        }
    }

    private static String scrape(TestService service, URI base, String token) throws Exception {
        HttpResponse<String> answer = get(service, base, token);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return answer.body();
    }

    private static HttpResponse<String> get(TestService service, URI base, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("metrics")).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return service.send(request.build());
    }

    private static double counter(String metrics, String name) {
        return Arrays.stream(metrics.split("\n")).filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1))).orElse(-1.0);
    }

    /** The metric names of every query of the dashboard: label matchers, ranges and grouping lists left out. */
    private static Set<String> dashboardMetrics() throws Exception {
        JsonNode dashboard = TestService.JSON.readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText().replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                        .replaceAll("\\b(by|without)\\s*\\([^)]*\\)", " ");
                Matcher name = NAME.matcher(expr);
                while (name.find()) {
                    names.add(name.group());
                }
            }
        }
        return names;
    }
}
