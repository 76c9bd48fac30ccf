package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.url.PercentCoding;

/** The query options over HTTP: paging and next links, limits, errors. */
class QueryOptionsIT {

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("query.max-page-size", "10", "query.max-top", "500",
                "query.max-filter-nodes", "40", "query.max-nesting-depth", "20", "query.max-expand-depth", "2"));
        try (Connection connection = service.connect()) {
            new QueryDataset().insertInto(connection);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static String path(String path, String... options) {
        StringBuilder url = new StringBuilder(path);
        for (int i = 0; i < options.length; i += 2) {
            url.append(i == 0 ? '?' : '&').append(options[i]).append('=').append(PercentCoding.encode(options[i + 1]));
        }
        return url.toString();
    }

    private static HttpResponse<String> get(String path, int maxPageSize) throws Exception {
        HttpRequest.Builder request = service.request(path);
        if (maxPageSize > 0) {
            request.header("Prefer", "odata.maxpagesize=" + maxPageSize);
        }
        return service.send(request.GET().build());
    }

    private static HttpResponse<String> follow(String link) throws Exception {
        return follow(link, 0);
    }

    /** A next link, asking again for the page size: a preference holds for one request only. */
    private static HttpResponse<String> follow(String link, int maxPageSize) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(link))
                .header("Authorization", "Bearer " + service.token("user-456"))
                .header("x-api-key", TestService.API_KEY);
        if (maxPageSize > 0) {
            request.header("Prefer", "odata.maxpagesize=" + maxPageSize);
        }
        return service.send(request.GET().build());
    }

    private static List<String> ids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("value").forEach(e -> ids.add(e.get("id").asText()));
        return ids;
    }

    @Test
    void theNextLinkIsAbsoluteAndKeepsEveryOption() throws Exception {
        HttpResponse<String> first = get(path("/Documents", "$filter", "file_size_bytes gt 100", "$orderby",
                "file_name desc", "$select", "file_name", "$count", "true", "@unused", "1"), 4);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("odata.maxpagesize=4", first.headers().firstValue("Preference-Applied").orElseThrow());
        JsonNode body = TestService.json(first);
        String next = body.get("@odata.nextLink").asText();
        assertTrue(next.startsWith(service.base + "Documents?"), next);
        for (String option : List.of("$filter=file_size_bytes%20gt%20100", "$orderby=file_name%20desc",
                "$select=file_name", "$count=true", "@unused=1", "$skiptoken=")) {
            assertTrue(next.contains(option), option + " in " + next);
        }
        JsonNode second = TestService.json(follow(next));
        assertEquals(body.get("@odata.count").asInt(), second.get("@odata.count").asInt());
        String third = second.get("@odata.nextLink").asText();
        assertEquals(1, third.split("\\$skiptoken=", -1).length - 1, "one skip token: " + third);
        assertTrue(ids(body).stream().noneMatch(ids(second)::contains));
    }

    @Test
    void pagesTogetherAreTheWholeOrderedResult() throws Exception {
        List<String> all = ids(TestService.json(get("/Documents?$orderby=uploaded_at%20desc&$top=50", 0)));
        assertEquals(10, all.size(), "the configured page size caps a page");
        List<String> paged = new ArrayList<>();
        JsonNode page = TestService.json(get("/Documents?$orderby=uploaded_at%20desc", 7));
        while (true) {
            paged.addAll(ids(page));
            if (!page.has("@odata.nextLink")) {
                break;
            }
            page = TestService.json(follow(page.get("@odata.nextLink").asText(), 7));
        }
        assertEquals(46, paged.size());
        assertEquals(all, paged.subList(0, 10));
        assertEquals(46, paged.stream().distinct().count());
    }

    @Test
    void theNextLinkRepeatsNewSyntaxAsTheClientWroteIt() throws Exception {
        JsonNode first = TestService.json(get(path("/Documents", "$filter",
                "matchesPattern(file_name,'\\.pdf$') and file_size_bytes divby 2 ge 0"), 2));
        String next = first.get("@odata.nextLink").asText();
        assertTrue(next.contains("matchesPattern("), next);
        assertFalse(next.contains("substringof"), next);
        JsonNode second = TestService.json(follow(next, 2));
        assertEquals(2, second.get("value").size());
        second.get("value").forEach(d -> assertTrue(d.get("file_name").asText().endsWith(".pdf")));
    }

    @Test
    void topIsHonouredAcrossPages() throws Exception {
        JsonNode first = TestService.json(get("/Documents?$top=7&$skip=2&$orderby=id", 3));
        JsonNode second = TestService.json(follow(first.get("@odata.nextLink").asText(), 3));
        JsonNode third = TestService.json(follow(second.get("@odata.nextLink").asText(), 3));
        assertEquals(List.of("doc-002", "doc-003", "doc-004"), ids(first));
        assertEquals(List.of("doc-005", "doc-006", "doc-007"), ids(second));
        assertEquals(List.of("doc-008"), ids(third));
        assertFalse(third.has("@odata.nextLink"));
    }

    @Test
    void aLargerPreferenceIsCappedAtTheConfiguredPageSize() throws Exception {
        HttpResponse<String> response = get("/Documents", 5000);
        assertEquals(10, TestService.json(response).get("value").size());
        assertEquals("odata.maxpagesize=10", response.headers().firstValue("Preference-Applied").orElseThrow());
        assertTrue(get("/Documents", 0).headers().firstValue("Preference-Applied").isEmpty());
    }

    @Test
    void rowsAddedBetweenPagesNeitherRepeatNorShiftTheNextPage() throws Exception {
        JsonNode first = TestService.json(get("/Documents?$orderby=id", 5));
        assertEquals("doc-004", ids(first).get(4));
        try (Connection connection = service.connect();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO document (tenant_id, id, patient_id,"
                     + " file_name, content_type, file_size_bytes, uploaded_by_id, uploaded_at, content_sha256,"
                     + " version)"
                     + " VALUES ('default', 'doc-000a', 'p01', 'new.pdf', 'application/pdf', 1, 'u',"
                     + " TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00', 'x', 1)")) {
            insert.executeUpdate();
            JsonNode second = TestService.json(follow(first.get("@odata.nextLink").asText()));
            assertEquals("doc-005", ids(second).get(0));
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM document WHERE id = 'doc-000a'")) {
                delete.executeUpdate();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "azEKbm90LWEtdG9rZW4",
        "not base64!",
        "eA",
    })
    void aForgedSkipTokenIsABadRequest(String token) throws Exception {
        HttpResponse<String> response = get("/Documents?$skiptoken=" + PercentCoding.encode(token), 0);
        assertError(response, 400, "INVALID_SKIPTOKEN");
    }

    @Test
    void aSkipTokenUsedWithOtherOptionsIsStale() throws Exception {
        String next = TestService.json(get("/Documents?$orderby=file_name", 3)).get("@odata.nextLink").asText();
        String token = next.substring(next.indexOf("$skiptoken=") + "$skiptoken=".length());
        assertError(get("/Documents?$orderby=file_size_bytes&$skiptoken=" + token, 3), 400, "INVALID_SKIPTOKEN");
        assertError(get("/Documents?$orderby=file_name&$filter=file_size_bytes%20gt%201&$skiptoken=" + token, 3),
                400, "INVALID_SKIPTOKEN");
        assertError(get("/Patients('p01')/Documents?$orderby=file_name&$skiptoken=" + token, 3), 400,
                "INVALID_SKIPTOKEN");
    }

    @Test
    void limitsAreBadRequestsNamingTheLimit() throws Exception {
        assertLimit(get("/Documents?$top=501", 0), "query.max-top");
        assertLimit(get(path("/Documents", "$filter", "(".repeat(1000) + "true" + ")".repeat(1000)), 0),
                "query.max-nesting-depth");
        StringBuilder wide = new StringBuilder("file_size_bytes eq 0");
        for (int i = 1; i < 20; i++) {
            wide.append(" or file_size_bytes eq ").append(i);
        }
        assertLimit(get(path("/Documents", "$filter", wide.toString()), 0), "query.max-filter-nodes");
        assertLimit(get(path("/Patients", "$expand", "Documents($expand=Patient($expand=Documents))"), 0),
                "query.max-expand-depth");
    }

    private static void assertLimit(HttpResponse<String> response, String key) {
        assertError(response, 400, "QUERY_LIMIT_EXCEEDED");
        assertTrue(TestService.json(response).get("error").get("message").asText().contains(key), response.body());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/Documents?$filter=substringof('a',file_name) | 501",
        "/Documents?$filter=cast(uploaded_at,Edm.String) eq 'x' | 501",
        "/Documents?$filter=matchesPattern(file_name,'(?=a)') | 501",
        "/Patients?$expand=Documents($levels=2) | 501",
        "/Documents?$filter=matchesPattern(file_name,'(a') | 400",
        "/Documents?$filter=file_name eq | 400",
        "/Documents?$filter=nope eq 1 | 400",
        "/Documents?$orderby=nope | 400",
        "/Documents?$top=-1 | 400",
        "/Documents?$filter=file_size_bytes mul 9223372036854775807 gt 0 | 400",
        "/Documents?$filter=cast(file_size_bytes,Edm.Int64) mul 4611686018427387904 gt 1 | 400",
        "/Documents?$search=(a | 400",
        "/Documents?$search=\"\" | 400",
        "/Documents?$search=\"unterminated | 400",
        "/Documents?$filter=null in (1) | 400",
    })
    void unsupportedSyntaxIs501AndMalformedInputIs400(String request, int status) throws Exception {
        String path = request.substring(0, request.indexOf('?') + 1);
        String query = request.substring(request.indexOf('?') + 1);
        int eq = query.indexOf('=');
        HttpResponse<String> response = get(path + query.substring(0, eq + 1)
                + PercentCoding.encode(query.substring(eq + 1)), 0);
        assertEquals(status, response.statusCode(), response.body());
        assertFalse(response.body().toUpperCase().contains("SELECT "), response.body());
        assertFalse(response.body().contains("Exception"), response.body());
    }

    @Test
    void filtersOverLiteralsAloneAreAnswered() throws Exception {
        int all = TestService.json(get("/Documents/$count?$filter=true", 0)).asInt();
        for (String filter : List.of("1 mod 0 eq 1", "year(2026-01-01T00:00:00Z) eq 2026", "7 div 2 eq 3",
                "hour(now()) ge 0")) {
            HttpResponse<String> response = get(path("/Documents/$count", "$filter", filter), 0);
            assertEquals(200, response.statusCode(), filter + ": " + response.body());
            assertEquals(filter.startsWith("1 mod 0") ? 0 : all, Integer.parseInt(response.body()), filter);
        }
    }

    @Test
    void aSearchThatCannotBeReadSaysWhichSyntaxItTakes() throws Exception {
        for (String search : List.of("\"\"", "\"unterminated")) {
            HttpResponse<String> response = get(path("/Documents", "$search", search), 0);
            assertError(response, 400, "INVALID_QUERY_OPTION");
            JsonNode error = TestService.json(response).get("error");
            assertEquals("$search", error.get("target").asText(), response.body());
            assertTrue(error.get("message").asText().contains("quoted phrases"), response.body());
        }
    }

    @Test
    void anOverflowInTheDatabaseIsABadRequestWithoutSql() throws Exception {
        assertError(get(path("/Documents", "$filter", "file_size_bytes mul 9223372036854775807 gt 0"), 0), 400,
                "QUERY_NOT_EVALUABLE");
    }

    @Test
    void theCountSegmentHonoursFilterAndSearch() throws Exception {
        HttpResponse<String> all = get("/Documents/$count", 0);
        assertEquals("46", all.body());
        assertTrue(all.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        String filtered = get(path("/Documents/$count", "$filter", "document_type eq 'Referral'"), 0).body();
        String searched = get(path("/Documents/$count", "$search", "referral"), 0).body();
        String both = get(path("/Documents/$count", "$search", "referral", "$filter", "file_size_bytes gt 1000"),
                0).body();
        assertEquals(String.valueOf(new QueryDataset().documents.stream()
                .filter(d -> "Referral".equals(d.get("document_type"))).count()), filtered);
        assertTrue(Integer.parseInt(searched) > Integer.parseInt(both), searched + " " + both);
        assertEquals("0", get("/Patients('p09')/Documents/$count", 0).body());
    }

    @Test
    void anExpandedCollectionLargerThanAPageLinksToTheRest() throws Exception {
        JsonNode body = TestService.json(get(path("/Patients", "$filter", "id eq 'p01'", "$expand",
                "Documents($orderby=file_name;$select=file_name;$count=true)"), 3));
        JsonNode patient = body.get("value").get(0);
        assertEquals(3, patient.get("Documents").size());
        int total = patient.get("Documents@odata.count").asInt();
        assertTrue(total > 3);
        String next = patient.get("Documents@odata.nextLink").asText();
        assertTrue(next.startsWith(service.base + "Patients('p01')/Documents?"), next);
        List<String> names = new ArrayList<>();
        patient.get("Documents").forEach(d -> names.add(d.get("file_name").asText()));
        while (next != null) {
            JsonNode rest = TestService.json(follow(next, 3));
            assertEquals(total, rest.get("@odata.count").asInt());
            rest.get("value").forEach(d -> names.add(d.get("file_name").asText()));
            next = rest.has("@odata.nextLink") ? rest.get("@odata.nextLink").asText() : null;
        }
        assertEquals(total, names.size());
        assertEquals(names.stream().sorted().toList(), names);
    }

    @Test
    void expandedEntitiesCarryOnlyTheirSelectedProperties() throws Exception {
        JsonNode body = TestService.json(get(path("/Documents", "$filter", "id eq 'doc-001'", "$select", "file_name",
                "$expand", "Patient($select=last_name)"), 0));
        JsonNode document = body.get("value").get(0);
        assertNull(document.get("patient_id"));
        assertEquals("Smith", document.get("Patient").get("last_name").asText());
        assertNull(document.get("Patient").get("first_name"));
        // OData 4.0's form: the expanded navigation with its own select list (never the 4.01 Nav() form).
        assertTrue(body.get("@odata.context").asText()
                .endsWith("$metadata#Documents(id,file_name,Patient(id,last_name))"), body.toString());
    }

    @Test
    void starExpandsEveryNavigation() throws Exception {
        JsonNode patient = TestService.json(get(path("/Patients", "$filter", "id eq 'p02'", "$expand", "*"), 0))
                .get("value").get(0);
        assertEquals(new QueryDataset().documents.stream().filter(d -> d.get("patient_id").equals("p02")).count(),
                patient.get("Documents").size());
        JsonNode document = TestService.json(get(path("/Documents", "$top", "1", "$expand", "*"), 0))
                .get("value").get(0);
        assertEquals("p01", document.get("Patient").get("id").asText());
    }

    /** Options that would otherwise be lost without a word are refused, each naming what it refuses. */
    @Test
    void optionsThatWouldBeLostAreRefusedByName() throws Exception {
        record Refused(String path, String named) {
        }
        for (Refused refused : List.of(
                // the last $compute would win
                new Refused(path("/Documents", "$compute", "file_size_bytes add 1 as a", "$compute",
                        "file_size_bytes add 2 as a", "$select", "a"), "$compute"),
                // an item with $compute is written anew for the parser: a repeated option kept its last value
                new Refused("/Patients?$expand=" + PercentCoding.encode("Documents($compute=file_size_bytes add 1 as"
                        + " a;$top=1;$top=5)"), "$top"),
                new Refused("/Patients?$expand=" + PercentCoding.encode("Documents($top=1;top=5)"), "top"),
                // and an option without a value vanished
                new Refused("/Patients?$expand=" + PercentCoding.encode("Documents($compute=file_size_bytes add 1"
                        + " as a;$count)"), "$count"),
                // a single-valued navigation has no collection to choose from
                new Refused(path("/Documents", "$expand", "Patient($top=0)"), "$top"),
                new Refused(path("/Documents", "$expand", "Patient($skip=1)"), "$skip"),
                new Refused(path("/Documents", "$expand", "Patient($orderby=last_name)"), "$orderby"),
                new Refused(path("/Documents", "$expand", "Patient($count=true)"), "$count"))) {
            HttpResponse<String> response = get(refused.path(), 0);
            assertError(response, 400, "INVALID_QUERY_OPTION");
            assertEquals(refused.named(), TestService.json(response).get("error").get("target").asText(),
                    refused.path() + ": " + response.body());
        }
        // a filter on a single-valued navigation still applies: the patient, or null
        JsonNode filtered = TestService.json(get(path("/Documents", "$top", "1", "$expand",
                "Patient($filter=id eq 'nobody')"), 0)).get("value").get(0);
        assertTrue(filtered.get("Patient").isNull(), filtered.toString());
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = TestService.json(response).get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        assertFalse(response.body().toUpperCase().contains("SELECT "), response.body());
    }
}
