package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.url.PercentCoding;

/**
 * What an OData conformance audit over HTTP asks of the query language (OData 4.01 Part 1 and Part 2): each option
 * either does what the specification says or is refused with its status and a message naming it.
 */
class QueryConformanceIT {

    private static final QueryDataset DATA = new QueryDataset();
    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        try (Connection connection = service.connect()) {
            DATA.insertInto(connection);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    /** A path with query options as written, each value percent-encoded as a client would. */
    private static HttpResponse<String> get(String path, String... options) throws Exception {
        StringBuilder url = new StringBuilder(path);
        for (int i = 0; i < options.length; i += 2) {
            url.append(i == 0 ? '?' : '&').append(options[i]).append('=').append(PercentCoding.encode(options[i + 1]));
        }
        return service.get(url.toString());
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return TestService.json(response);
    }

    private static void assertRefused(HttpResponse<String> response, int status, String named) {
        assertEquals(status, response.statusCode(), response.body());
        String message = TestService.json(response).get("error").get("message").asText();
        assertTrue(message.contains(named), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Patients", "Patients('p01')", "Patients('p01')/Documents", "Documents/$count",
        "Documents('doc-000')/Patient", "Patients('p01')/Documents/$count"})
    void optionsNotImplementedAre501NamingThemOnEveryResource(String path) throws Exception {
        Map<String, String> options = Map.of("$deltatoken", "1", "$index", "1", "INDEX", "1");
        for (Map.Entry<String, String> option : options.entrySet()) {
            String name = "$" + option.getKey().replace("$", "").toLowerCase();
            assertRefused(get(path, option.getKey(), option.getValue()), 501, name);
        }
        assertRefused(get(path, "$expand", "*($compute=1 add 1 as two)"), 501, "$compute");
    }

    @Test
    void optionsNotImplementedAre501InsideExpandAndInBatches() throws Exception {
        assertRefused(get("Patients", "$expand", "Documents($apply=groupby((id)))"), 501, "$apply");
        assertRefused(get("Documents", "$expand", "Patient($expand=Documents/$ref($compute=1 add 1 as two))"), 501,
                "$compute");
        HttpResponse<String> multipart = service.send(service.request("/$batch")
                .header("Content-Type", "multipart/mixed; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Type: application/http\r\n"
                        + "Content-Transfer-Encoding: binary\r\n\r\nGET Patients?$deltatoken=1 HTTP/1.1\r\n"
                        + "Accept: application/json\r\n\r\n\r\n--b--\r\n")).build());
        // the batch itself is fine: the one operation is answered 501 inside it
        assertEquals(200, multipart.statusCode(), multipart.body());
        assertTrue(multipart.body().contains("HTTP/1.1 501"), multipart.body());
        assertTrue(multipart.body().contains("$deltatoken"), multipart.body());
        HttpResponse<String> json = service.postJson("/$batch",
                "{\"requests\":[{\"id\":\"1\",\"method\":\"get\",\"url\":\"Documents?$index=1\"}]}");
        JsonNode answer = TestService.json(json).get("responses").get(0);
        assertEquals(501, answer.get("status").asInt(), json.body());
        assertTrue(answer.get("body").get("error").get("message").asText().contains("$index"), json.body());
    }

    @Test
    void theCurrentSchemaVersionIsAnsweredAndNoOtherExists() throws Exception {
        assertEquals(ok(get("Patients('p01')")), ok(get("Patients('p01')", "$schemaversion", "*")));
        assertEquals(200, get("$metadata", "$schemaversion", "*").statusCode());
        assertRefused(get("Patients", "$schemaversion", "2.0"), 404, "$schemaversion");
        assertRefused(get("$metadata", "schemaversion", "1"), 404, "$schemaversion");
    }

    @Test
    void aParameterAliasAddressesTheEntityWhereverAKeyIsRead() throws Exception {
        assertEquals("Ada", ok(get("Patients(@k)", "@k", "'p01'")).get("first_name").asText());
        assertEquals("doc-000", ok(get("Patients(@p)/Documents(@d)", "@p", "'p01'", "@d", "'doc-000'"))
                .get("id").asText());
        assertEquals("p01", ok(get("Documents(@d)/Patient", "@d", "'doc-000'")).get("id").asText());
        assertEquals("Ada", ok(get("Documents(@d)/Patient/first_name", "@d", "'doc-000'")).get("value").asText());
        assertEquals(404, get("Patients(@k)", "@k", "'nobody'").statusCode());
        assertEquals(400, get("Patients(@k)").statusCode());
    }

    @Test
    void substringCountsANegativeStartFromTheEndAndRefusesANegativeLength() throws Exception {
        long pdf = DATA.documents.stream().filter(d -> ((String) d.get("file_name")).endsWith("pdf")).count();
        JsonNode answer = ok(get("Documents", "$filter", "substring(file_name,-3) eq 'pdf'", "$count", "true"));
        assertEquals(pdf, answer.get("@odata.count").asLong());
        assertTrue(pdf > 0);
        answer = ok(get("Documents", "$filter", "substring(file_name,-4,3) eq '.pd'", "$count", "true"));
        assertEquals(pdf, answer.get("@odata.count").asLong());
        assertRefused(get("Documents", "$filter", "substring(file_name,0,-1) eq ''"), 400, "negative");
    }

    @Test
    void countFalseLeavesTheCountOutOfAPatientsDocuments() throws Exception {
        assertTrue(ok(get("Patients('p01')/Documents")).has("@odata.count"));
        assertFalse(ok(get("Patients('p01')/Documents", "$count", "false")).has("@odata.count"));
        assertFalse(ok(get("Patients('p01')/Documents", "COUNT", "false")).has("@odata.count"));
        assertTrue(ok(get("Documents", "$count", "true")).has("@odata.count"));
    }

    @Test
    void aPropertyReachedThroughNavigationNamesItsOwnEntity() throws Exception {
        JsonNode answer = ok(get("Documents('doc-000')/Patient/first_name"));
        assertEquals("Ada", answer.get("value").asText());
        assertTrue(answer.get("@odata.context").asText().endsWith("$metadata#Patients('p01')/first_name"),
                answer.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Documents | $select=id&$expand=Patient($select=last_name) | #Documents(id,Patient(id,last_name))",
        "Documents('doc-000') | $select=id&$expand=Patient($select=last_name)"
            + " | #Documents(id,Patient(id,last_name))/$entity",
        "Patients | $expand=Documents($expand=Patient($select=id)) | #Patients(Documents(Patient(id)))",
        "Documents | $select=file_name&$expand=Patient($filter=id ne 'x') | #Documents(id,file_name)",
        "Patients | $expand=Documents | #Patients",
    })
    void contextUrlsNameExpandedNavigationsTheWayOData40Does(String path, String query, String context)
            throws Exception {
        String[] options = query.split("&");
        String[] pairs = new String[options.length * 2];
        for (int i = 0; i < options.length; i++) {
            pairs[2 * i] = options[i].substring(0, options[i].indexOf('='));
            pairs[2 * i + 1] = options[i].substring(options[i].indexOf('=') + 1);
        }
        HttpResponse<String> response = get(path, pairs);
        assertEquals("4.0", response.headers().firstValue("OData-Version").orElse(""));
        String actual = ok(response).get("@odata.context").asText();
        assertTrue(actual.endsWith("$metadata" + context), actual);
    }

    @Test
    void itInsideAnExpandedNavigationsFilterIsRefusedRatherThanBoundToTheExpandedEntity() throws Exception {
        // $it there is the entity of the resource path (OData 4.01 Part 2, $it), which the parser types as the
        // expanded one; rather than answer for the wrong entity, the service refuses it.
        assertRefused(get("Patients", "$expand", "Documents($filter=$it/id eq 'p01')"), 501, "$it");
        assertRefused(get("Patients('p01')", "$expand", "Documents($orderby=$it/id)"), 501, "$it");
        assertRefused(get("Documents", "$expand", "Patient($expand=Documents($filter=$it/id ne 'x'))"), 501, "$it");
        assertEquals(1, ok(get("Patients", "$filter", "Documents/any(d: d/patient_id eq $it/id) and id eq 'p01'"))
                .get("value").size());
    }

    @Test
    void operatorsAndFunctionsAreCaseInsensitive() throws Exception {
        long expected = ok(get("Documents", "$filter", "contains(file_name,'pdf') and file_size_bytes gt 1000",
                "$count", "true")).get("@odata.count").asLong();
        JsonNode answer = ok(get("Documents", "$filter", "Contains(file_name,'pdf') AND file_size_bytes GT 1000",
                "$count", "true", "$orderby", "file_name DESC"));
        assertEquals(expected, answer.get("@odata.count").asLong());
        assertTrue(expected > 0);
        JsonNode patients = ok(get("Patients", "$filter", "Documents/ANY(d: d/document_type EQ 'Referral')",
                "$count", "true"));
        assertTrue(patients.get("@odata.count").asLong() > 0);
    }

    @Test
    void durationsAreReadWithOrWithoutTheirPrefix() throws Exception {
        for (String filter : List.of("uploaded_at sub duration'P1D' gt 2026-01-01T00:00:00Z",
                "uploaded_at sub 'P1D' gt 2026-01-01T00:00:00Z",
                "uploaded_at sub Duration'P1D' gt 2026-01-01T00:00:00Z",
                "2026-01-01T00:00:00Z lt uploaded_at sub 'P1D'")) {
            assertEquals(ok(get("Documents/$count", "$filter", "uploaded_at gt 2026-01-02T00:00:00Z"))
                    .asLong(), ok(get("Documents/$count", "$filter", filter)).asLong(), filter);
        }
        assertEquals(ok(get("Documents/$count")).asLong(),
                ok(get("Documents/$count", "$filter", "totalseconds('PT1M') eq 60")).asLong());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cast('2048',Edm.Decimal) eq file_size_bytes | file_size_bytes eq 2048",
        "cast('2.048E3',Edm.Double) eq file_size_bytes | file_size_bytes eq 2048",
        "cast('TRUE',Edm.Boolean) and file_size_bytes gt 1000 | file_size_bytes gt 1000",
        "cast('2026-01-01',Edm.Date) eq date(uploaded_at) | date(uploaded_at) eq 2026-01-01",
        "cast('2026-01-01T00:00:00Z',Edm.DateTimeOffset) lt uploaded_at | uploaded_at gt 2026-01-01T00:00:00Z",
        "cast('0123abcd-0000-0000-0000-00000000000f',Edm.Guid) eq 0123ABCD-0000-0000-0000-00000000000F | true",
        "cast(file_name,Edm.Date) ne null or cast('x',Edm.Boolean) ne null | false",
    })
    void stringsCastToEveryPrimitiveTypeTheySpell(String cast, String plain) throws Exception {
        assertEquals(ok(get("Documents/$count", "$filter", plain)).asLong(),
                ok(get("Documents/$count", "$filter", cast)).asLong(), cast);
    }
}
