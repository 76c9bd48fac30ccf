package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientdocs.url.PercentCoding;

/**
 * The refusals of {@code src/docs/odata-conformance.md}, sent to the real service: every requirement of the OData
 * conformance levels that the service does not meet (its "no" rows, and the missing parts of "partly" rows) is
 * refused the way the specification says (501 or the specification's own refusal, with an OData error that names
 * what was refused), never answered as if it had been done. Each row is named by its item in OData Version 4.01
 * Part 1: Protocol, section 13 ("4.0 Minimal 21" is item 21 of 13.1.1, "4.01 Minimal 9h" is item 9h of 13.2.1), so
 * the table and this test can be read side by side.
 */
class ConformanceRefusalsIT {

    private static final String PATIENT = "conf-1";
    private static final Set<Integer> NOT_IMPLEMENTED = Set.of(501);
    /** What OData 4.01 tells clients to expect for 4.01 syntax a service does not support (13.3, item 20). */
    private static final Set<Integer> BAD_OR_NOT_IMPLEMENTED = Set.of(400, 501);
    /** A request the model forbids: a document cannot move to another patient or exist without one. */
    private static final Set<Integer> MODEL_RULE = Set.of(400);

    private static TestService service;
    private static String document;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"" + PATIENT + "\",\"last_name\":\"Conform\"}")
                .statusCode());
        Multipart form = new Multipart().file("file", "referral.pdf", Samples.PDF, Samples.pdf(400));
        HttpResponse<String> uploaded = service.send(service.request("/Patients('" + PATIENT + "')/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        document = TestService.json(uploaded).get("id").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    static Stream<Arguments> refusals() {
        String patient = "Patients('" + PATIENT + "')";
        String doc = "Documents('{doc}')";
        String nested = "\"Documents\":[{\"document_type\":\"Referral\"}]";
        return Stream.of(
                // 13.1.1 OData 4.0 Minimal, Updatable OData Service
                row("4.0 Minimal 21: POST to $ref would move a document to the patient", MODEL_RULE, "$ref",
                        "POST", patient + "/Documents/$ref", "{\"@odata.id\":\"" + doc + "\"}"),
                row("4.0 Minimal 22: PUT to $ref would move a document to another patient", MODEL_RULE, "$ref",
                        "PUT", doc + "/Patient/$ref", "{\"@odata.id\":\"" + patient + "\"}"),
                row("4.0 Minimal 25: DELETE to $ref with $id would leave a document without a patient", MODEL_RULE,
                        "$ref", "DELETE", patient + "/Documents/$ref?$id=" + doc, null),
                row("4.0 Minimal 25: DELETE to a single-valued $ref would leave a document without a patient",
                        MODEL_RULE, "$ref", "DELETE", doc + "/Patient/$ref", null),
                row("4.0 Minimal 29: a document cannot be upserted by PUT", Set.of(400), "upload",
                        "PUT", "Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')", "{\"document_type\":\"Referral\"}"),
                row("4.0 Minimal 29: a document cannot be upserted by PATCH", Set.of(400), "upload",
                        "PATCH", patient + "/Documents('doc-AAAAAAAAAAAAAAAAAAAAAA')", "{\"description\":\"x\"}"),
                row("4.0 Minimal 30: PUT to a primitive property", Set.of(405), "property",
                        "PUT", patient + "/last_name", "{\"value\":\"Other\"}"),
                row("4.0 Minimal 30: PUT to a property's raw value", Set.of(405), "property",
                        "PUT", patient + "/last_name/$value", "Other"),
                row("4.0 Minimal 31: DELETE sets a property to null", Set.of(405), "property",
                        "DELETE", patient + "/last_name", null),
                row("4.0 Minimal 32: deep insert of a patient with documents", BAD_OR_NOT_IMPLEMENTED, "Documents",
                        "POST", "Patients", "{\"id\":\"conf-deep\"," + nested + "}"),
                row("4.0 Minimal 33: set-based update with /$each", BAD_OR_NOT_IMPLEMENTED, "$each",
                        "PATCH", "Patients/$each", "{\"last_name\":\"All\"}"),
                row("4.0 Minimal 33: set-based delete with /$each", BAD_OR_NOT_IMPLEMENTED, "$each",
                        "DELETE", "Patients/$filter(id eq 'nobody')/$each", null),
                row("4.0 Minimal 5.2: an OData-MaxVersion below 4.0 fails the request", Set.of(400), "3.0",
                        "GET", "Patients", null, "OData-MaxVersion", "3.0"),
                // 13.1.1 item 7 and 13.1.2 items 2, 7.3, 7.4: what the service parses but does not do is 501
                row("Data Aggregation 4.0: rollup in groupby", NOT_IMPLEMENTED, "rollup",
                        "GET", "Patients?$apply=groupby((rollup(last_name,first_name)))", null),
                row("4.0 Intermediate 7.4: geo.distance", NOT_IMPLEMENTED, "Geography",
                        "GET", "Documents?$filter=geo.distance(geography'SRID=0;Point(0 0)',"
                                + "geography'SRID=0;Point(1 1)') gt 1", null),
                row("4.0 Intermediate 7.4: cast of a timestamp to a string", NOT_IMPLEMENTED, "cast",
                        "GET", "Documents?$filter=cast(uploaded_at,Edm.String) eq 'x'", null),
                row("4.0 Intermediate 7.4: hassubset", NOT_IMPLEMENTED, "hassubset",
                        "GET", "Documents?$filter=hassubset(['a','b'],['a'])", null),
                row("4.0 Intermediate 7.4: hassubsequence", NOT_IMPLEMENTED, "hassubsequence",
                        "GET", "Documents?$filter=hassubsequence(['a','b'],['a'])", null),
                row("4.0 Intermediate 7.4: case", NOT_IMPLEMENTED, "case",
                        "GET", "Documents?$filter=case(document_type eq 'Referral':1,true:2) eq 1", null),
                // 13.1.2 OData 4.0 Intermediate
                row("4.0 Intermediate 10: basic authentication", Set.of(401), "bearer",
                        "GET", "Patients", null, "Authorization", "Basic dXNlcjpwYXNzd29yZA=="),
                // 13.1.3 OData 4.0 Advanced
                row("4.0 Advanced 9.8: $levels in $expand", NOT_IMPLEMENTED, "$levels",
                        "GET", "Patients?$expand=Documents($levels=2)", null),
                row("4.0 Advanced 9.9: $compute in an $expand of references", NOT_IMPLEMENTED, "$compute",
                        "GET", "Patients?$expand=Documents/$ref($compute=file_size_bytes mul 2 as double)", null),
                row("4.0 Advanced 12: $all", NOT_IMPLEMENTED, "$all", "GET", "$all", null),
                row("4.0 Advanced 14: $deltatoken", NOT_IMPLEMENTED, "$deltatoken",
                        "GET", "Patients?$deltatoken=1", null),
                row("4.0 Advanced 15: $crossjoin", NOT_IMPLEMENTED, "$crossjoin",
                        "GET", "$crossjoin(Patients,Documents)", null),
                // 13.2.1 OData 4.01 Minimal
                row("4.01 Minimal 5: $schemaversion", Set.of(404, 501), "$schemaversion",
                        "GET", "Patients?$schemaversion=1", null),
                row("4.01 Minimal 9: $index", NOT_IMPLEMENTED, "$index", "GET", "Patients?$index=1", null),
                row("4.01 Minimal 9h, Intermediate 3: eq null on a single-valued navigation", NOT_IMPLEMENTED,
                        "entity", "GET", "Documents?$filter=Patient eq null", null),
                row("4.01 Minimal 9m, Intermediate 6, Advanced 3: the count of a filtered collection",
                        BAD_OR_NOT_IMPLEMENTED, "$count",
                        "GET", "Patients?$filter=Documents/$count($filter=document_type eq 'Referral') gt 0", null),
                row("4.01 Minimal 9n, Intermediate 7: structural comparison", NOT_IMPLEMENTED, "entity",
                        "GET", "Documents?$filter=Patient eq Patient", null),
                row("4.01 Minimal 14: filtering on annotation values", BAD_OR_NOT_IMPLEMENTED, "@Core.Description",
                        "GET", "Documents?$filter=@Core.Description eq 'x'", null),
                // 13.2.1 OData 4.01 Minimal, Updatable OData 4.01 Service
                row("4.01 Minimal 19: DELETE to a reference identified by key", MODEL_RULE, "$ref",
                        "DELETE", patient + "/Documents('{doc}')/$ref", null),
                row("4.01 Minimal 20: PUT of an entity with nested content", BAD_OR_NOT_IMPLEMENTED, "Documents",
                        "PUT", patient, "{\"id\":\"" + PATIENT + "\",\"last_name\":\"Conform\"," + nested + "}"),
                row("4.01 Minimal 21: deep update of a patient's documents", BAD_OR_NOT_IMPLEMENTED, "Documents",
                        "PATCH", patient, "{" + nested + "}"),
                row("4.01 Minimal 21: deep update of a document's patient", BAD_OR_NOT_IMPLEMENTED, "Patient",
                        "PATCH", doc, "{\"Patient\":{\"last_name\":\"Changed\"}}"),
                row("4.01 Minimal 22: PUT to the $ref of a collection", Set.of(405), "PUT",
                        "PUT", patient + "/Documents/$ref", "{\"value\":[]}"),
                row("4.01 Minimal 22: DELETE to the $ref of a collection", MODEL_RULE, "$ref",
                        "DELETE", patient + "/Documents/$ref", null),
                row("4.01 Minimal 24: PATCH to a collection", Set.of(405, 501), "PATCH",
                        "PATCH", "Patients", "{\"last_name\":\"All\"}"),
                row("4.01 Minimal 24: DELETE to a collection", Set.of(405, 501), "DELETE",
                        "DELETE", patient + "/Documents", null),
                row("4.01 Minimal 26: PATCH of a delta payload to an entity set", Set.of(405, 501), "PATCH",
                        "PATCH", "Patients", "{\"@context\":\"#$delta\",\"value\":[{\"id\":\"" + PATIENT
                                + "\",\"first_name\":\"Delta\"}]}"),
                // 13.2.2 OData 4.01 Intermediate and 13.2.3 Advanced
                row("4.01 Intermediate 10, Advanced 9: parameter aliases nested in $expand", BAD_OR_NOT_IMPLEMENTED,
                        "@a", "GET", "Patients?$expand=Documents($filter=document_type eq @a;@a='Referral')", null),
                row("4.01 Intermediate 11, Advanced 8: a /$filter path segment", BAD_OR_NOT_IMPLEMENTED, "$filter",
                        "GET", "Documents/$filter(document_type eq 'Referral')", null),
                row("4.01 Advanced 10: identifiers in another case", Set.of(400), "DOCUMENT_TYPE",
                        "GET", "Documents?$filter=DOCUMENT_TYPE eq 'Referral'", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void everyUnsupportedRequirementIsRefusedByName(String item, Set<Integer> statuses, String names, Call call)
            throws Exception {
        HttpResponse<String> response = call.send();
        String shown = item + ": " + call + " -> " + response.statusCode() + " " + response.body();
        assertTrue(statuses.contains(response.statusCode()), "expected one of " + statuses + ", " + shown);
        assertNull(ClearAnswers.problem(response), shown);
        JsonNode error = TestService.json(response).path("error");
        String named = (error.path("message").asText() + " " + error.path("target").asText()).toLowerCase(Locale.ROOT);
        assertTrue(Stream.of(names.split("\\|")).anyMatch(name -> named.contains(name.toLowerCase(Locale.ROOT))),
                "the error should name " + names + ", " + shown);
    }

    /**
     * 4.01 Minimal 27 ({@code $select} and {@code $expand} on data modification requests): a service that does not
     * apply them "MUST NOT fail the request solely due to the presence of these query options and instead MUST
     * return 204 No Content" (11.4.1.5); a create answered 204 names the new entity in {@code OData-EntityId}
     * (4.0 Minimal 28).
     */
    @Test
    void selectAndExpandOnAChangeAreAnsweredWithoutARepresentation() throws Exception {
        HttpResponse<String> changed = new Call("PATCH", "Patients('" + PATIENT + "')?$select=last_name",
                "{\"first_name\":\"Selected\"}", Map.of()).send();
        assertEquals(204, changed.statusCode(), changed.body());
        assertEquals("", changed.body());
        assertEquals("Selected", TestService.json(service.get("/Patients('" + PATIENT + "')"))
                .get("first_name").asText());

        HttpResponse<String> created = new Call("POST", "Patients?$expand=Documents",
                "{\"id\":\"conf-expanded\"}", Map.of()).send();
        assertEquals(204, created.statusCode(), created.body());
        assertEquals("", created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        assertTrue(location.endsWith("Patients('conf-expanded')"), location);
        assertEquals(location, created.headers().firstValue("OData-EntityId").orElse(null));
        assertEquals(200, service.get("/Patients('conf-expanded')").statusCode());
    }

    /**
     * What the specification lets a service decline silently is declined silently, and never claimed: a preference
     * the service does not honour is not named in {@code Preference-Applied} (RFC 7240), and the service does not
     * say it speaks OData 4.01.
     */
    @Test
    void whatIsNotOfferedIsNotClaimed() throws Exception {
        // 4.0 Advanced 13: asynchronous requests are answered synchronously
        HttpResponse<String> async = new Call("GET", "Patients", null, Map.of("Prefer", "respond-async")).send();
        assertEquals(200, async.statusCode(), async.body());
        assertFalse(applied(async).contains("respond-async"), applied(async));
        // 4.0 Advanced 14: no change tracking, so no delta link
        HttpResponse<String> tracked = new Call("GET", "Patients", null, Map.of("Prefer", "odata.track-changes"))
                .send();
        assertEquals(200, tracked.statusCode(), tracked.body());
        assertFalse(applied(tracked).contains("track-changes"), applied(tracked));
        assertFalse(tracked.body().contains("deltaLink"), tracked.body());
        // 4.01 Minimal 17 and JSON Format 26: answers are OData 4.0, also to clients that accept 4.01
        HttpResponse<String> newest = new Call("GET", "Patients", null, Map.of("OData-MaxVersion", "4.01")).send();
        assertEquals(200, newest.statusCode(), newest.body());
        assertEquals(List.of("4.0"), newest.headers().allValues("OData-Version"));
        // 4.01 Minimal 12: the model does not claim OData 4.01
        HttpResponse<String> metadata = new Call("GET", "$metadata", null, Map.of()).send();
        assertEquals(200, metadata.statusCode());
        assertFalse(metadata.body().contains("ODataVersions"), "Core.ODataVersions is not claimed");
    }

    private static String applied(HttpResponse<String> response) {
        return String.join(",", response.headers().allValues("Preference-Applied"));
    }

    /** A refusal: one of {@code statuses}, with an error naming one of {@code names} (separated by '|'). */
    private static Arguments row(String item, Set<Integer> statuses, String names, String method, String path,
                                 String body, String... headers) {
        Map<String, String> extra = headers.length == 0 ? Map.of() : Map.of(headers[0], headers[1]);
        return Arguments.of(item, statuses, names, new Call(method, path, body, extra));
    }

    /** One request as a client writes it: query option values are percent-encoded when sent. */
    record Call(String method, String path, String body, Map<String, String> headers) {

        HttpResponse<String> send() throws Exception {
            HttpRequest.Builder request = service.request(encoded(path.replace("{doc}", document)));
            headers.forEach(request::setHeader);
            if (body != null) {
                request.setHeader("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
            }
            return service.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)).build());
        }

        private static String encoded(String path) {
            int query = path.indexOf('?');
            if (query < 0) {
                return path;
            }
            return path.substring(0, query + 1) + Arrays.stream(path.substring(query + 1).split("&"))
                    .map(option -> {
                        int equals = option.indexOf('=');
                        return option.substring(0, equals + 1) + PercentCoding.encode(option.substring(equals + 1));
                    })
                    .collect(Collectors.joining("&"));
        }

        @Override
        public String toString() {
            return method + " " + path + (body == null ? "" : " " + body)
                    + (headers.isEmpty() ? "" : " " + headers);
        }
    }
}
