package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientdocs.odata.EdmLoader;
import org.patientdocs.url.PercentCoding;
import org.patientdocs.url.QueryText;

/**
 * One answer on both stores: the same dataset is loaded into H2 and into a real PostgreSQL database created with a
 * language collation ({@link EmbeddedPostgresServer}, en_US.UTF-8), every request of {@link DifferentialQueries} runs
 * over HTTP against a service on each, and both must send the same pages, row for row, equal to
 * {@link ReferenceQuery}'s evaluation in Java.
 */
class DifferentialQueryIT {

    private static TestDatabase postgres;
    private static TestService h2;
    private static TestService pg;
    private static final QueryDataset DATA = new QueryDataset();
    private static final ServiceMetadata EDM = EdmLoader.load();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.newSharedDatabase();
        // One service on H2 and one on PostgreSQL, whichever store this integration run uses for the others.
        h2 = TestService.start(Map.of("db.url", "jdbc:h2:mem:differential-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "documents.store", "filesystem"));
        pg = TestService.start(Map.of("db.url", postgres.url(), "db.user", postgres.user(),
                "db.password", postgres.password()));
        try (Connection connection = h2.connect()) {
            DATA.insertInto(connection);
        }
        try (Connection connection = pg.connect()) {
            DATA.insertInto(connection);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try (AutoCloseable a = h2; AutoCloseable b = pg; AutoCloseable c = postgres) {
            // closed in reverse order
        }
    }

    static Stream<DifferentialQueries.Request> requests() {
        return DifferentialQueries.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void bothStoresGiveTheReferenceAnswer(DifferentialQueries.Request request) throws Exception {
        List<HttpResponse<String>> onH2 = fetch(h2, request);
        List<HttpResponse<String>> onPg = fetch(pg, request);
        assertEquals(bodies(h2, onH2), bodies(pg, onPg), request + ": H2 and PostgreSQL differ");

        ReferenceQuery.Result expected = reference(request);
        List<Object> rows = new ArrayList<>();
        for (HttpResponse<String> page : onH2) {
            TestService.json(page).get("value").forEach(entity -> rows.add(normalise(entity)));
        }
        assertEquals(expected.rows(), rows, request + ": the service differs from the reference evaluation");
        JsonNode first = TestService.json(onH2.get(0));
        if (first.has("@odata.count")) {
            assertEquals(expected.count().longValue(), first.get("@odata.count").asLong(), "@odata.count");
        }
        if (request.pageSize() > 0) {
            for (HttpResponse<String> page : onH2) {
                assertTrue(TestService.json(page).get("value").size() <= request.pageSize());
                assertEquals("odata.maxpagesize=" + request.pageSize(),
                        page.headers().firstValue("Preference-Applied").orElse(""));
            }
        }
    }

    /** The pages of a request: the first, then each next link's, as long as the service offers one. */
    private static List<HttpResponse<String>> fetch(TestService service, DifferentialQueries.Request request)
            throws Exception {
        List<HttpResponse<String>> pages = new ArrayList<>();
        URI next = URI.create(service.base + url(request));
        while (next != null) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(next)
                    .header("Authorization", "Bearer " + service.token("user-456"))
                    .header("x-api-key", TestService.API_KEY);
            if (request.pageSize() > 0) {
                builder.header("Prefer", "odata.maxpagesize=" + request.pageSize());
            }
            HttpResponse<String> response = service.send(builder.GET().build());
            assertEquals(200, response.statusCode(), request + " → " + response.body());
            pages.add(response);
            JsonNode link = TestService.json(response).get("@odata.nextLink");
            next = link == null ? null : URI.create(link.asText());
            assertTrue(pages.size() < 100, "too many pages");
        }
        return pages;
    }

    private static List<String> bodies(TestService service, List<HttpResponse<String>> pages) {
        return pages.stream().map(p -> p.body().replace(service.base.toString(), "{base}/")).toList();
    }

    static String url(DifferentialQueries.Request request) {
        StringBuilder url = new StringBuilder(request.path());
        String separator = "?";
        for (String[] option : request.options()) {
            url.append(separator).append(PercentCoding.encode(option[0])).append('=')
                    .append(PercentCoding.encode(option[1]));
            separator = "&";
        }
        return url.toString();
    }

    private static ReferenceQuery.Result reference(DifferentialQueries.Request request) throws Exception {
        String url = url(request);
        int question = url.indexOf('?');
        String path = question < 0 ? url : url.substring(0, question);
        String query = question < 0 ? null : QueryText.prepare(url.substring(question + 1), 100);
        UriInfo uri = new Parser(EDM.getEdm(), OData.newInstance()).parseUri(path, query, null, "http://h/");
        String patient = null;
        String set = path;
        if (path.startsWith("Patients('")) {
            patient = path.substring("Patients('".length(), path.indexOf("')"));
            set = "Documents";
        }
        return new ReferenceQuery(DATA, uri.getAliases()).collection(set, patient, uri);
    }

    /** An entity of the service's JSON as comparable text values; annotations left out, counts kept. */
    private static Map<String, Object> normalise(JsonNode entity) {
        Map<String, Object> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = entity.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.endsWith("@odata.count")) {
                out.put(name, value.asText());
            } else if (name.contains("@")) {
                continue;
            } else if (value.isArray()) {
                List<Object> items = new ArrayList<>();
                value.forEach(item -> items.add(normalise(item)));
                out.put(name, items);
            } else if (value.isObject()) {
                out.put(name, normalise(value));
            } else if (value.isNull()) {
                out.put(name, "null");
            } else if (name.equals("uploaded_at")) {
                out.put(name, Instant.parse(value.asText()).toString());
            } else {
                out.put(name, value.asText());
            }
        }
        return out;
    }
}
