package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientdocs.url.PercentCoding;

/**
 * {@code $apply} on both stores, as {@link DifferentialQueryIT} does for {@code $filter}: the awkward dataset of
 * {@link QueryDataset} is loaded into H2 and into PostgreSQL (with a language collation), another tenant's rows beside
 * it, each request runs over HTTP against a service on each, following next links, and both must answer the same
 * rows, in the same order, as the aggregation computed here in Java over the dataset (the other tenant's rows never
 * among them).
 */
class DifferentialApplyIT {

    private static final String OTHER_TENANT = "other-clinic";
    private static TestDatabase postgres;
    private static TestService h2;
    private static TestService pg;
    private static final QueryDataset DATA = new QueryDataset();
    /** Reads decimals as they are written, not as the nearest double. */
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /**
     * One request and its answer computed in Java.
     *
     * @param pageSize the {@code odata.maxpagesize} to prefer, or 0
     * @param count    the {@code @odata.count} expected, or null when not asked for
     */
    record Case(String name, String path, String query, int pageSize, Supplier<List<Map<String, String>>> rows,
                Supplier<Long> count) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.newSharedDatabase();
        h2 = TestService.start(Map.of("db.url", "jdbc:h2:mem:apply-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "documents.store", "filesystem"));
        pg = TestService.start(Map.of("db.url", postgres.url(), "db.user", postgres.user(),
                "db.password", postgres.password()));
        for (TestService service : List.of(h2, pg)) {
            try (Connection connection = service.connect()) {
                DATA.insertInto(connection);
                insertOtherTenant(connection);
            }
        }
    }

    /**
     * Rows of another clinic with the same patient ids and document types: counted, summed or grouped with the
     * caller's, they would change every answer.
     */
    private static void insertOtherTenant(Connection connection) throws Exception {
        try (PreparedStatement patient = connection.prepareStatement("INSERT INTO patient (tenant_id, id,"
                + " first_name, last_name, birth_date, version) VALUES (?, 'p01', 'Other', 'Othername', NULL, 1)");
             PreparedStatement document = connection.prepareStatement("INSERT INTO document (tenant_id, id,"
                     + " patient_id, file_name, content_type, file_size_bytes, document_type, description,"
                     + " uploaded_by_id, uploaded_at, content_sha256, version)"
                     + " VALUES (?, ?, 'p01', 'other.pdf', 'application/pdf', 999999999, ?, NULL, 'user-0', ?, ?,"
                     + " 1)")) {
            patient.setString(1, OTHER_TENANT);
            patient.executeUpdate();
            String[] types = {"Referral", null, "Other clinic only"};
            for (int i = 0; i < types.length; i++) {
                document.setString(1, OTHER_TENANT);
                document.setString(2, "other-doc-" + i);
                document.setString(3, types[i]);
                document.setObject(4, OffsetDateTime.parse("2031-05-05T05:05:05Z"));
                document.setString(5, "0".repeat(64));
                document.executeUpdate();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try (AutoCloseable a = h2; AutoCloseable b = pg; AutoCloseable c = postgres) {
            // closed in reverse order
        }
    }

    static Stream<Case> cases() {
        List<Map<String, Object>> docs = DATA.documents;
        Map<String, Map<String, Object>> patients = DATA.patients.stream()
                .collect(Collectors.toMap(p -> (String) p.get("id"), p -> p));
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("documents per type", "Documents",
                "$apply=groupby((document_type),aggregate($count as n))", 0,
                () -> grouped(docs, d -> d.get("document_type"), group -> Map.of("n", count(group)), "document_type"),
                null));
        cases.add(new Case("every aggregation method", "Documents",
                "$apply=aggregate(file_size_bytes with sum as total,file_size_bytes with min as smallest,"
                        + "file_size_bytes with max as largest,file_size_bytes with average as mean,"
                        + "patient_id with countdistinct as patients,uploaded_at with max as latest,"
                        + "file_name with min as first_name,$count as n)", 0,
                () -> List.of(aggregates(docs)), null));
        cases.add(new Case("sum per patient's last name, through the navigation", "Documents",
                "$apply=groupby((Patient/last_name),aggregate(file_size_bytes with sum as total))", 0,
                () -> grouped(docs, d -> patients.get(d.get("patient_id")).get("last_name"),
                        group -> Map.of("total", sum(group)), "Patient/last_name"), null));
        cases.add(new Case("documents per patient, top 3 by count, after a filter", "Documents",
                "$apply=filter(file_size_bytes gt 1000)/groupby((patient_id),aggregate($count as n))"
                        + "&$orderby=n desc&$top=3&$count=true", 0,
                () -> byCountDescending(grouped(filter(docs, d -> size(d) > 1000), d -> d.get("patient_id"),
                        group -> Map.of("n", count(group)), "patient_id")).subList(0, 3),
                () -> (long) grouped(filter(docs, d -> size(d) > 1000), d -> d.get("patient_id"),
                        group -> Map.of(), "patient_id").size()));
        cases.add(new Case("total bytes per year, through compute", "Documents",
                "$apply=compute(year(uploaded_at) as y)/groupby((y),aggregate(file_size_bytes with sum as total))", 0,
                () -> grouped(docs, d -> (long) uploaded(d).getYear(), group -> Map.of("total", sum(group)), "y"),
                null));
        cases.add(new Case("total bytes per month, paged by two", "Documents",
                "$apply=compute(year(uploaded_at) as y,month(uploaded_at) as m)"
                        + "/groupby((y,m),aggregate(file_size_bytes with sum as total))&$count=true", 2,
                () -> grouped2(docs, d -> (long) uploaded(d).getYear(), d -> (long) uploaded(d).getMonthValue(),
                        group -> Map.of("total", sum(group)), "y", "m"),
                () -> (long) grouped2(docs, d -> (long) uploaded(d).getYear(),
                        d -> (long) uploaded(d).getMonthValue(), group -> Map.of(), "y", "m").size()));
        cases.add(new Case("kilobytes computed with div, filtered after grouping", "Documents",
                "$apply=compute(file_size_bytes div 1024 as kb)/groupby((kb),aggregate($count as n))/filter(n gt 1)",
                0, () -> filter(grouped(docs, d -> size(d) / 1024, group -> Map.of("n", count(group)), "kb"),
                        row -> Long.parseLong(row.get("n")) > 1), null));
        cases.add(new Case("a patient's documents per content type", "Patients('p01')/Documents",
                "$apply=groupby((content_type),aggregate(file_size_bytes with max as largest))", 0,
                () -> grouped(filter(docs, d -> d.get("patient_id").equals("p01")), d -> d.get("content_type"),
                        group -> Map.of("largest", Long.toString(group.stream().mapToLong(d -> size(d)).max()
                                .orElseThrow())), "content_type"), null));
        cases.add(new Case("patients per last name, paged by two", "Patients",
                "$apply=groupby((last_name),aggregate($count as n))", 2,
                () -> grouped(DATA.patients, p -> p.get("last_name"), group -> Map.of("n", count(group)),
                        "last_name"), null));
        cases.add(new Case("two grouping properties, $filter and $count after, paged by three", "Documents",
                "$apply=groupby((document_type,content_type),aggregate($count as n))&$filter=n ge 2&$count=true", 3,
                () -> filter(grouped2(docs, d -> d.get("document_type"), d -> d.get("content_type"),
                        group -> Map.of("n", count(group)), "document_type", "content_type"),
                        row -> Long.parseLong(row.get("n")) >= 2),
                () -> (long) filter(grouped2(docs, d -> d.get("document_type"), d -> d.get("content_type"),
                        group -> Map.of("n", count(group)), "document_type", "content_type"),
                        row -> Long.parseLong(row.get("n")) >= 2).size()));
        cases.add(new Case("orderby, skip and top inside $apply, then $skip, $top and $count", "Documents",
                "$apply=groupby((document_type),aggregate($count as n))/orderby(n desc)/skip(1)/top(4)"
                        + "&$skip=1&$top=2&$count=true", 0,
                () -> byCountDescending(grouped(docs, d -> d.get("document_type"),
                        group -> Map.of("n", count(group)), "document_type")).subList(2, 4),
                () -> 4L));
        cases.add(new Case("grouping without aggregate, $select of one property", "Documents",
                "$apply=groupby((uploaded_by_id,content_type))&$select=uploaded_by_id", 0,
                () -> grouped2(docs, d -> d.get("uploaded_by_id"), d -> d.get("content_type"), group -> Map.of(),
                        "uploaded_by_id", "content_type").stream()
                        .map(row -> Map.of("uploaded_by_id", row.get("uploaded_by_id"))).toList(), null));
        cases.add(new Case("concat: documents per type, then all documents, paged by three", "Documents",
                "$apply=filter(file_size_bytes gt 0)/concat(groupby((document_type),aggregate($count as n)),"
                        + "aggregate($count as n))&$count=true", 3,
                () -> {
                    List<Map<String, String>> rows = new ArrayList<>(grouped(filter(docs, d -> size(d) > 0),
                            d -> d.get("document_type"), group -> Map.of("n", count(group)), "document_type"));
                    rows.add(row("document_type", null, "n", (long) filter(docs, d -> size(d) > 0).size()));
                    return rows;
                },
                () -> (long) grouped(filter(docs, d -> size(d) > 0), d -> d.get("document_type"), group -> Map.of(),
                        "document_type").size() + 1));
        cases.add(new Case("$compute used in $select, $filter and $orderby, paged by five", "Documents",
                "$compute=file_size_bytes div 1024 as kb&$select=id,kb&$filter=kb ge 1&$orderby=kb desc&$count=true",
                5, () -> docs.stream().filter(d -> size(d) / 1024 >= 1)
                        .sorted(Comparator.comparing((Map<String, Object> d) -> size(d) / 1024).reversed()
                                .thenComparing(d -> (String) d.get("id"), Comparator.reverseOrder()))
                        .map(d -> row("id", d.get("id"), "kb", size(d) / 1024)).toList(),
                () -> docs.stream().filter(d -> size(d) / 1024 >= 1).count()));
        cases.add(new Case("$compute beside a top-level $expand, in $filter and $orderby, paged by seven",
                "Documents", "$compute=file_size_bytes div 1024 as kb&$select=id,kb&$filter=kb gt 0"
                + "&$orderby=kb desc&$expand=Patient($select=last_name)&$count=true", 7,
                () -> docs.stream().filter(d -> size(d) / 1024 > 0)
                        .sorted(Comparator.comparing((Map<String, Object> d) -> size(d) / 1024).reversed()
                                .thenComparing(d -> (String) d.get("id"), Comparator.reverseOrder()))
                        .map(d -> row("id", d.get("id"), "kb", size(d) / 1024, "Patient/id", d.get("patient_id"),
                                "Patient/last_name", patients.get(d.get("patient_id")).get("last_name"))).toList(),
                () -> docs.stream().filter(d -> size(d) / 1024 > 0).count()));
        cases.add(new Case("$compute of patients beside an expanded collection", "Patients",
                "$compute=concat(first_name,last_name) as full&$expand=Documents($select=file_name)", 0,
                () -> DATA.patients.stream().sorted(Comparator.comparing(p -> (String) p.get("id"))).map(p -> {
                    Map<String, String> row = row("id", p.get("id"), "first_name", p.get("first_name"),
                            "last_name", p.get("last_name"), "birth_date", p.get("birth_date"), "full",
                            p.get("first_name") == null || p.get("last_name") == null ? null
                                    : (String) p.get("first_name") + p.get("last_name"));
                    List<Map<String, Object>> own = docs.stream().filter(d -> d.get("patient_id").equals(p.get("id")))
                            .sorted(Comparator.comparing(d -> (String) d.get("id"))).toList();
                    for (int i = 0; i < own.size(); i++) {
                        row.put("Documents/" + i + "/id", text(own.get(i).get("id")));
                        row.put("Documents/" + i + "/file_name", text(own.get(i).get("file_name")));
                    }
                    return row;
                }).toList(), null));
        Map<String, Object> doc7 = docs.get(7);
        cases.add(new Case("$compute on one document", "Documents('doc-007')",
                "$compute=file_size_bytes mod 7 as rest,concat(file_name,'!') as shout"
                        + "&$select=rest,shout,document_type", 0,
                () -> List.of(row("id", doc7.get("id"), "document_type", doc7.get("document_type"),
                        "rest", size(doc7) % 7, "shout", doc7.get("file_name") + "!")), null));
        Map<String, Object> owner = patients.get(docs.get(3).get("patient_id"));
        cases.add(new Case("$compute on a document's patient, beside $expand", "Documents('doc-003')/Patient",
                "$compute=concat(last_name,first_name) as name&$select=name&$expand=Documents($select=file_size_bytes)",
                0, () -> {
                    Map<String, String> row = row("id", owner.get("id"), "name", owner.get("last_name") == null
                            || owner.get("first_name") == null ? null
                            : (String) owner.get("last_name") + owner.get("first_name"));
                    List<Map<String, Object>> own = docs.stream()
                            .filter(d -> d.get("patient_id").equals(owner.get("id")))
                            .sorted(Comparator.comparing(d -> (String) d.get("id"))).toList();
                    for (int i = 0; i < own.size(); i++) {
                        row.put("Documents/" + i + "/id", text(own.get(i).get("id")));
                        row.put("Documents/" + i + "/file_size_bytes", text(size(own.get(i))));
                    }
                    return List.of(row);
                }, null));
        cases.add(new Case("$compute with operators and functions of $filter", "Patients('p01')/Documents",
                "$compute=file_size_bytes mul 2 sub 1 as odd,file_size_bytes mod 7 as rest,length(file_name) as len,"
                        + "toupper(content_type) as type,concat(patient_id,'-x') as tag,month(uploaded_at) as m,"
                        + "file_size_bytes div 4.0 as quarter&$select=id,odd,rest,len,type,tag,m,quarter", 0,
                () -> docs.stream().filter(d -> d.get("patient_id").equals("p01"))
                        .sorted(Comparator.comparing(d -> (String) d.get("id")))
                        .map(d -> row("id", d.get("id"), "odd", size(d) * 2 - 1, "rest", size(d) % 7,
                                "len", (long) ((String) d.get("file_name")).length(),
                                "type", ((String) d.get("content_type")).toUpperCase(java.util.Locale.ROOT),
                                "tag", d.get("patient_id") + "-x", "m", (long) uploaded(d).getMonthValue(),
                                "quarter", BigDecimal.valueOf(size(d)).divide(BigDecimal.valueOf(4)))).toList(),
                null));
        cases.add(new Case("$compute after $apply", "Documents",
                "$apply=groupby((document_type),aggregate($count as n))&$compute=n mul 10 as tens&$orderby=tens desc",
                0, () -> byCountDescending(grouped(docs, d -> d.get("document_type"),
                        group -> Map.of("n", count(group)), "document_type")).stream().map(r -> {
                            Map<String, String> row = new LinkedHashMap<>(r);
                            row.put("tens", Long.toString(Long.parseLong(r.get("n")) * 10));
                            return row;
                        }).toList(), null));
        cases.add(new Case("$compute inside $expand, used in the item's $select, $filter and $orderby, with $top",
                "Patients", "$select=id&$expand=Documents($compute=file_size_bytes div 1024 as kb,"
                + "length(file_name) as len;$select=file_name,kb;$filter=kb gt 0 and len gt 1;$orderby=kb desc;$top=2)",
                0, () -> DATA.patients.stream().sorted(Comparator.comparing(p -> (String) p.get("id"))).map(p -> {
                    Map<String, String> row = row("id", p.get("id"));
                    List<Map<String, Object>> kept = docs.stream().filter(d -> d.get("patient_id").equals(p.get("id"))
                                    && size(d) / 1024 > 0 && ((String) d.get("file_name")).length() > 1)
                            // ties: the key, descending as the first $orderby item is
                            .sorted(Comparator.comparing((Map<String, Object> d) -> size(d) / 1024).reversed()
                                    .thenComparing(d -> (String) d.get("id"), Comparator.reverseOrder()))
                            .limit(2).toList();
                    for (int i = 0; i < kept.size(); i++) {
                        row.put("Documents/" + i + "/id", text(kept.get(i).get("id")));
                        row.put("Documents/" + i + "/file_name", text(kept.get(i).get("file_name")));
                        row.put("Documents/" + i + "/kb", text(size(kept.get(i)) / 1024));
                    }
                    return row;
                }).toList(), null));
        cases.add(new Case("$compute two levels down, without $select", "Documents",
                "$select=id&$filter=file_size_bytes gt 1000&$expand=Patient($select=id;$expand=Documents("
                        + "$compute=file_size_bytes mod 7 as rest;$filter=rest eq 0;$count=true))", 0,
                () -> filter(docs, d -> size(d) > 1000).stream()
                        .sorted(Comparator.comparing(d -> (String) d.get("id"))).map(d -> {
                            Map<String, String> row = row("id", d.get("id"), "Patient/id", d.get("patient_id"));
                            List<Map<String, Object>> kept = docs.stream()
                                    .filter(o -> o.get("patient_id").equals(d.get("patient_id")) && size(o) % 7 == 0)
                                    .sorted(Comparator.comparing(o -> (String) o.get("id"))).toList();
                            for (int i = 0; i < kept.size(); i++) {
                                for (String name : List.of("id", "patient_id", "file_name", "content_type",
                                        "file_size_bytes", "document_type", "description", "uploaded_by_id",
                                        "uploaded_at")) {
                                    row.put("Patient/Documents/" + i + "/" + name, text(kept.get(i).get(name)));
                                }
                                row.put("Patient/Documents/" + i + "/rest", "0");
                            }
                            return row;
                        }).toList(), null));
        return cases.stream();
    }

    /** A row of the reference answer: names and values, in order. */
    private static Map<String, String> row(Object... namesAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], text(namesAndValues[i + 1]));
        }
        return row;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bothStoresGiveTheReferenceAnswer(Case request) throws Exception {
        List<HttpResponse<String>> onH2 = fetch(h2, request);
        List<HttpResponse<String>> onPg = fetch(pg, request);
        assertEquals(bodies(h2, onH2), bodies(pg, onPg), request + ": H2 and PostgreSQL differ");
        List<Map<String, String>> rows = new ArrayList<>();
        for (HttpResponse<String> page : onH2) {
            JsonNode answer = EXACT.readTree(page.body());
            if (answer.has("value")) {
                answer.get("value").forEach(row -> rows.add(flatten(row)));
            } else {
                rows.add(flatten(answer)); // one entity
            }
        }
        assertEquals(request.rows().get(), rows, request + ": the service differs from the reference");
        JsonNode first = TestService.json(onH2.get(0));
        if (request.count() != null) {
            assertEquals(request.count().get().longValue(), first.get("@odata.count").asLong(), "@odata.count");
        }
        if (request.pageSize() > 0) {
            assertTrue(onH2.size() > 1 || rows.size() <= request.pageSize(), "paged");
            for (HttpResponse<String> page : onH2) {
                assertTrue(TestService.json(page).get("value").size() <= request.pageSize());
            }
        }
    }

    private static List<HttpResponse<String>> fetch(TestService service, Case request) throws Exception {
        List<HttpResponse<String>> pages = new ArrayList<>();
        URI next = URI.create(service.base + request.path() + "?" + encode(request.query()));
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

    /** Each option's value percent-encoded, as a client sends it. */
    static String encode(String query) {
        List<String> params = new ArrayList<>();
        for (String param : query.split("&")) {
            int eq = param.indexOf('=');
            params.add(param.substring(0, eq + 1) + PercentCoding.encode(param.substring(eq + 1)));
        }
        return String.join("&", params);
    }

    private static List<String> bodies(TestService service, List<HttpResponse<String>> pages) {
        return pages.stream().map(p -> p.body().replace(service.base.toString(), "{base}/")).toList();
    }

    /** A row of the answer as text by path ({@code Patient/last_name}), numbers and instants in one spelling. */
    private static Map<String, String> flatten(JsonNode row) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", row, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            String name = prefix + field.getKey();
            if (field.getKey().contains("@")) {
                continue;
            }
            if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    flatten(name + "/" + i + "/", value.get(i), out);
                }
            } else if (value.isObject()) {
                flatten(name + "/", value, out);
            } else if (value.isNull()) {
                out.put(name, "null");
            } else if (value.isNumber()) {
                out.put(name, number(value.decimalValue()));
            } else if (value.asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z")) {
                out.put(name, Instant.parse(value.asText()).toString());
            } else {
                out.put(name, value.asText());
            }
        }
    }

    private static String number(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    private static String text(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant().toString();
        }
        if (value instanceof Long || value instanceof BigDecimal) {
            return number(new BigDecimal(value.toString()));
        }
        return value.toString();
    }

    private static <T> List<T> filter(List<T> rows, Predicate<T> keep) {
        return rows.stream().filter(keep).toList();
    }

    private static long size(Map<String, Object> document) {
        return (Long) document.get("file_size_bytes");
    }

    private static OffsetDateTime uploaded(Map<String, Object> document) {
        return (OffsetDateTime) document.get("uploaded_at");
    }

    private static String count(List<Map<String, Object>> group) {
        return Integer.toString(group.size());
    }

    private static String sum(List<Map<String, Object>> group) {
        return Long.toString(group.stream().mapToLong(DifferentialApplyIT::size).sum());
    }

    /** Nulls first, then by code point (the dataset's text is within the Basic Multilingual Plane). */
    private static final Comparator<Object> VALUES = Comparator.nullsFirst((a, b) -> {
        @SuppressWarnings("unchecked")
        Comparable<Object> comparable = (Comparable<Object>) a;
        return comparable.compareTo(b);
    });

    /** One row per value of the key, in the key's order: the key under its name, then the aggregates. */
    private static List<Map<String, String>> grouped(List<Map<String, Object>> rows,
                                                     Function<Map<String, Object>, Object> key,
                                                     Function<List<Map<String, Object>>, Map<String, String>> values,
                                                     String name) {
        return grouped2(rows, key, r -> null, values, name, null);
    }

    private static List<Map<String, String>> grouped2(List<Map<String, Object>> rows,
                                                      Function<Map<String, Object>, Object> key1,
                                                      Function<Map<String, Object>, Object> key2,
                                                      Function<List<Map<String, Object>>, Map<String, String>> values,
                                                      String name1, String name2) {
        Map<List<Object>, List<Map<String, Object>>> groups = new TreeMap<>((a, b) -> {
            int first = VALUES.compare(a.get(0), b.get(0));
            return first != 0 ? first : VALUES.compare(a.get(1), b.get(1));
        });
        for (Map<String, Object> row : rows) {
            groups.computeIfAbsent(Arrays.asList(key1.apply(row), key2.apply(row)),
                    k -> new ArrayList<>()).add(row);
        }
        List<Map<String, String>> result = new ArrayList<>();
        groups.forEach((key, group) -> {
            Map<String, String> row = new LinkedHashMap<>();
            row.put(name1, text(key.get(0)));
            if (name2 != null) {
                row.put(name2, text(key.get(1)));
            }
            values.apply(group).forEach(row::put);
            result.add(row);
        });
        return result;
    }

    /** Rows by their count, highest first, then as they were (by their grouping value). */
    private static List<Map<String, String>> byCountDescending(List<Map<String, String>> rows) {
        return rows.stream().sorted(Comparator.comparing((Map<String, String> row) -> Long.parseLong(row.get("n")))
                .reversed()).toList();
    }

    private static Map<String, String> aggregates(List<Map<String, Object>> docs) {
        long total = docs.stream().mapToLong(DifferentialApplyIT::size).sum();
        Map<String, String> row = new LinkedHashMap<>();
        row.put("total", Long.toString(total));
        row.put("smallest", Long.toString(docs.stream().mapToLong(DifferentialApplyIT::size).min().orElseThrow()));
        row.put("largest", Long.toString(docs.stream().mapToLong(DifferentialApplyIT::size).max().orElseThrow()));
        row.put("mean", number(BigDecimal.valueOf(total).divide(BigDecimal.valueOf(docs.size()), 18,
                RoundingMode.HALF_UP)));
        row.put("patients", Long.toString(docs.stream().map(d -> d.get("patient_id")).distinct().count()));
        row.put("latest", docs.stream().map(DifferentialApplyIT::uploaded).max(Comparator.naturalOrder())
                .orElseThrow().toInstant().toString());
        row.put("first_name", docs.stream().map(d -> (String) d.get("file_name")).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).orElseThrow());
        row.put("n", Integer.toString(docs.size()));
        return row;
    }
}
