package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientdocs.auth.Scope;
import org.patientdocs.auth.ScopeNames;

/**
 * What a caller may do is what its token's scopes allow: each kind of operation without the scope it needs is
 * {@code 403} with an RFC 6750 {@code insufficient_scope} challenge naming the scope and an OData error body, and
 * changes nothing; alone, and inside both batch formats, where each operation is checked on its own. With every scope
 * each operation works; with none, the service document and {@code $metadata} are still readable.
 */
class ScopesIT {

    private static TestService service;

    /**
     * One kind of operation, written with the placeholders {@code {patient}} (a patient with a document),
     * {@code {doc}} (that document) and {@code {spare}} (a patient without documents).
     *
     * @param batched whether it may travel in a batch (media content never does)
     */
    record Operation(String name, Scope needs, String method, String path, String contentType, byte[] body,
                     boolean batched) {

        @Override
        public String toString() {
            return name + " needs " + needs;
        }

        boolean changes() {
            return !method.equals("GET");
        }

        String path(Map<String, String> ids) {
            return filledIn(path, ids);
        }

        /** The JSON body with the placeholders filled in, or null for a body of another type or none. */
        String json(Map<String, String> ids) {
            return body == null || !contentType.contains("json") ? null
                    : filledIn(new String(body, StandardCharsets.UTF_8), ids);
        }

        private static String filledIn(String text, Map<String, String> ids) {
            for (Map.Entry<String, String> id : ids.entrySet()) {
                text = text.replace("{" + id.getKey() + "}", id.getValue());
            }
            return text;
        }
    }

    /** The entities the refusals are tried on. */
    private static Map<String, String> seeded;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        seeded = entities("scoped");
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    /** A patient with one document and a patient without, made with every scope; their ids by placeholder. */
    private static Map<String, String> entities(String prefix) throws Exception {
        for (String id : List.of(prefix + "-1", prefix + "-2")) {
            HttpResponse<String> created = service.postJson("/Patients",
                    "{\"id\":\"" + id + "\",\"last_name\":\"Doe\"}");
            assertEquals(201, created.statusCode(), created.body());
        }
        HttpResponse<String> upload = service.send(service.request("/Patients('" + prefix + "-1')/Documents")
                .header("Content-Type", Samples.PDF).header("Slug", "referral.pdf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Samples.pdf(2048))).build());
        assertEquals(201, upload.statusCode(), upload.body());
        return Map.of("patient", prefix + "-1", "spare", prefix + "-2",
                "doc", TestService.json(upload).get("id").asText());
    }

    static Stream<Operation> operations() {
        byte[] pdf = Samples.pdf(1024);
        return Stream.of(
                new Operation("list documents", Scope.DOCUMENTS_READ, "GET", "Documents", null, null, true),
                new Operation("list a patient's documents", Scope.DOCUMENTS_READ, "GET",
                        "Patients('{patient}')/Documents", null, null, true),
                new Operation("count documents", Scope.DOCUMENTS_READ, "GET", "Documents/$count", null, null, true),
                new Operation("read a document", Scope.DOCUMENTS_READ, "GET", "Documents('{doc}')", null, null, true),
                new Operation("read a document's property", Scope.DOCUMENTS_READ, "GET",
                        "Documents('{doc}')/file_name", null, null, true),
                new Operation("download a document", Scope.DOCUMENTS_READ, "GET", "Documents('{doc}')/$value", null,
                        null, false),
                new Operation("expand documents from patients", Scope.DOCUMENTS_READ, "GET",
                        "Patients?$expand=Documents", null, null, true),
                new Operation("filter patients by their documents", Scope.DOCUMENTS_READ, "GET",
                        "Patients?$filter=Documents/any(d:d/document_type%20eq%20'Referral')", null, null, true),
                new Operation("list patients", Scope.PATIENTS_READ, "GET", "Patients", null, null, true),
                new Operation("read a patient", Scope.PATIENTS_READ, "GET", "Patients('{patient}')", null, null, true),
                new Operation("read a document's patient", Scope.PATIENTS_READ, "GET", "Documents('{doc}')/Patient",
                        null, null, true),
                new Operation("expand the patient of documents", Scope.PATIENTS_READ, "GET",
                        "Documents?$expand=Patient", null, null, true),
                new Operation("upload a document", Scope.DOCUMENTS_WRITE, "POST", "Patients('{patient}')/Documents",
                        Samples.PDF, pdf, false),
                new Operation("change a document", Scope.DOCUMENTS_WRITE, "PATCH", "Documents('{doc}')",
                        "application/json", bytes("{\"description\":\"changed\"}"), true),
                new Operation("replace a document's labels", Scope.DOCUMENTS_WRITE, "PUT", "Documents('{doc}')",
                        "application/json", bytes("{\"document_type\":\"Insurance\",\"description\":null}"), true),
                new Operation("delete a document", Scope.DOCUMENTS_DELETE, "DELETE", "Documents('{doc}')", null, null,
                        true),
                new Operation("create a patient", Scope.PATIENTS_WRITE, "POST", "Patients", "application/json",
                        bytes("{\"id\":\"{patient}-new\",\"last_name\":\"New\"}"), true),
                new Operation("change a patient", Scope.PATIENTS_WRITE, "PATCH", "Patients('{patient}')",
                        "application/json", bytes("{\"first_name\":\"Changed\"}"), true),
                new Operation("delete a patient", Scope.PATIENTS_WRITE, "DELETE", "Patients('{spare}')", null, null,
                        true));
    }

    static Stream<Operation> batchedOperations() {
        return operations().filter(Operation::batched);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void eachOperationWithoutItsScopeIsForbiddenAndChangesNothing(Operation operation) throws Exception {
        String before = service.snapshot();
        HttpResponse<String> response = service.send(request(operation, seeded, withoutScope(operation.needs())));
        assertEquals(403, response.statusCode(), response.body());
        assertEquals(challenge(operation.needs()), response.headers().firstValue("WWW-Authenticate").orElse(null));
        assertRefusal(operation.needs(), TestService.json(response));
        assertEquals(before, service.snapshot(), "nothing changed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchedOperations")
    void insideAMultipartBatchEachOperationIsCheckedOnItsOwn(Operation operation) throws Exception {
        String before = service.snapshot();
        Operation allowed = allowedBeside(operation);
        String refused = BatchCalls.request(operation.changes() ? "2" : null, operation.method(),
                operation.path(seeded), operation.json(seeded));
        HttpResponse<String> response = new BatchCalls(service, () -> withoutScope(operation.needs())).multipart(
                BatchCalls.request(null, "GET", allowed.path(seeded), null),
                operation.changes() ? BatchCalls.changeSet(refused) : refused);
        assertEquals(200, response.statusCode(), response.body());
        List<BatchCalls.Part> parts = BatchCalls.parts(response);
        assertEquals(List.of(200, 403), parts.stream().map(BatchCalls.Part::status).toList(), response.body());
        assertTrue(parts.get(1).headers().contains("WWW-Authenticate: " + challenge(operation.needs())),
                parts.get(1).headers());
        assertRefusal(operation.needs(), TestService.JSON.readTree(parts.get(1).body()));
        assertEquals(before, service.snapshot(), "nothing changed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("batchedOperations")
    void insideAJsonBatchEachOperationIsCheckedOnItsOwn(Operation operation) throws Exception {
        String before = service.snapshot();
        Operation allowed = allowedBeside(operation);
        String body = operation.json(seeded) == null ? ""
                : ",\"headers\":{\"content-type\":\"application/json\"},\"body\":" + operation.json(seeded);
        String batch = "{\"requests\":[{\"id\":\"1\",\"method\":\"get\",\"url\":\"" + allowed.path(seeded) + "\"},"
                + "{\"id\":\"2\",\"method\":\"" + operation.method().toLowerCase() + "\",\"url\":\""
                + operation.path(seeded) + "\"" + (operation.changes() ? ",\"atomicityGroup\":\"g\"" : "") + body
                + "}]}";
        HttpResponse<String> response = new BatchCalls(service, () -> withoutScope(operation.needs())).json(batch);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of("1:200", "2:403"), BatchCalls.answered(response), response.body());
        JsonNode refused = BatchCalls.responses(response).get(1);
        assertEquals(challenge(operation.needs()), refused.get("headers").get("www-authenticate").asText());
        assertRefusal(operation.needs(), refused.get("body"));
        assertEquals(before, service.snapshot(), "nothing changed");
    }

    @Test
    void everyOperationWorksWithEveryScope() throws Exception {
        Map<String, String> ids = entities("all-scopes");
        TestService.Credentials all = credentials(ScopeNames.DEFAULT.all());
        // the deletions last, so that every operation finds what it addresses
        List<Operation> ordered = operations().sorted((a, b) -> Boolean.compare(a.method().equals("DELETE"),
                b.method().equals("DELETE"))).toList();
        for (Operation operation : ordered) {
            HttpResponse<String> response = service.send(request(operation, ids, all));
            assertTrue(response.statusCode() / 100 == 2, operation + ": " + response.statusCode() + " "
                    + response.body());
        }
    }

    @Test
    void aChangeWithoutTheScopeReadingTheEntityIsAnsweredWithoutIt() throws Exception {
        Map<String, String> ids = entities("write-only");
        HttpResponse<String> response = service.send(service.request("/Documents('" + ids.get("doc") + "')",
                        credentials("documents.write")).header("Content-Type", "application/json")
                .header("Prefer", "return=representation")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"description\":\"changed\"}")).build());
        assertEquals(204, response.statusCode(), response.body());
        assertEquals("", response.body());
        assertTrue(response.headers().firstValue("Preference-Applied").isEmpty());
        assertEquals("changed", TestService.json(service.get("/Documents('" + ids.get("doc") + "')"))
                .get("description").asText());
    }

    @Test
    void theServiceDocumentAndMetadataNeedNoScope() throws Exception {
        TestService.Credentials none = credentials("");
        for (String path : List.of("/", "/$metadata", "/$metadata?$format=json")) {
            HttpResponse<String> response = service.send(service.request(path, none).GET().build());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
        }
        assertEquals(403, service.send(service.request("/Patients", none).GET().build()).statusCode());
    }

    /** The operation as a request of its own. */
    private static HttpRequest request(Operation operation, Map<String, String> ids,
                                       TestService.Credentials credentials) {
        HttpRequest.Builder request = service.request("/" + operation.path(ids), credentials);
        if (operation.contentType() != null) {
            request.header("Content-Type", operation.contentType());
        }
        String json = operation.json(ids);
        if (operation.body() != null && json == null) {
            request.header("Slug", "new.pdf");
        }
        byte[] body = json != null ? bytes(json) : operation.body();
        return request.method(operation.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** A read the caller of {@link #withoutScope} may do, to sit beside the refused operation in a batch. */
    private static Operation allowedBeside(Operation refused) {
        return refused.needs() == Scope.PATIENTS_READ
                ? new Operation("read a document", Scope.DOCUMENTS_READ, "GET", "Documents('{doc}')", null, null, true)
                : new Operation("read a patient", Scope.PATIENTS_READ, "GET", "Patients('{patient}')", null, null,
                        true);
    }

    /** Credentials of the default tenant whose token has every scope but one. */
    private static TestService.Credentials withoutScope(Scope missing) {
        EnumSet<Scope> scopes = EnumSet.allOf(Scope.class);
        scopes.remove(missing);
        return credentials(ScopeNames.DEFAULT.claimOf(scopes));
    }

    private static TestService.Credentials credentials(String scope) {
        return new TestService.Credentials(TestService.API_KEY, service.token("user-456", "default", scope));
    }

    private static String challenge(Scope scope) {
        String name = scope.defaultName();
        return "Bearer realm=\"patientdocs\", error=\"insufficient_scope\", error_description=\"The access token lacks"
                + " the scope " + name + " this request needs\", scope=\"" + name + "\"";
    }

    private static void assertRefusal(Scope scope, JsonNode body) {
        assertEquals("INSUFFICIENT_SCOPE", body.get("error").get("code").asText(), body.toString());
        assertTrue(body.get("error").get("message").asText().contains(scope.defaultName()), body.toString());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
