package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** What generic OData clients rely on: headers, $metadata, vocabularies, URL conventions, absolute links. */
class ClientCompatibilityIT {

    private static final String EDMX = "http://docs.oasis-open.org/odata/ns/edmx";
    private static final String DATA = "http://docs.oasis-open.org/odata/ns/data";
    private static final String ATOM = "http://www.w3.org/2005/Atom";
    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of());
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"compat-1\",\"last_name\":\"Smith\"}").statusCode());
        Multipart form = new Multipart().file("file", "a.pdf", Samples.PDF, Samples.pdf(1000));
        assertEquals(201, service.send(service.request("/Patients(compat-1)/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build()).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = service.request(path).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return service.send(request.build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/$metadata", "/Patients", "/Patients(compat-1)", "/Patients(compat-1)/Documents",
        "/Patients(nobody)", "/Documents?$filter=broken eq"})
    void everyAnswerCarriesExactlyOneODataVersionHeader(String path) throws Exception {
        HttpResponse<String> response = get(path, null);
        assertEquals(List.of("4.0"), response.headers().allValues("OData-Version"), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json, text/plain, */*", "*/*", "application/xml",
        "application/json;odata.metadata=minimal;q=1.0,application/json;odata=minimalmetadata;q=0.9,"
            + "application/atomsvc+xml;q=0.8,application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7"})
    void metadataIsXmlWheneverXmlIsAcceptable(String accept) throws Exception {
        HttpResponse<String> response = get("/$metadata", accept);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/xml"));
        assertTrue(response.body().startsWith("<?xml"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/Documents?$format=xml", "/Patients(compat-1)/Documents?$format=atom",
        "/Patients(compat-1)?$expand=Documents&$format=xml", "/Documents?$select=id,content_type&$format=xml"})
    void documentsAsAtomLinkTheirBytes(String path) throws Exception {
        HttpResponse<String> response = get(path, null);
        assertEquals(200, response.statusCode(), response.body());
        NodeList contents = parse(response.body()).getElementsByTagNameNS(ATOM, "content");
        List<String> media = new ArrayList<>();
        for (int i = 0; i < contents.getLength(); i++) {
            Element content = (Element) contents.item(i);
            if (!content.getAttribute("src").isEmpty()) {
                media.add(content.getAttribute("type") + " " + content.getAttribute("src"));
            }
        }
        assertEquals(1, media.size(), response.body());
        assertTrue(media.get(0).matches("application/pdf Documents\\('doc-[^']+'\\)/\\$value"), media.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/Documents?$select=id", "/Patients(compat-1)/Documents?$select=file_name"})
    void anAtomEntryNamesItsDocumentsTypeEvenWhenTheSelectLeavesItOut(String path) throws Exception {
        HttpResponse<String> response = get(path, "application/atom+xml");
        assertEquals(200, response.statusCode(), response.body());
        Document feed = parse(response.body());
        Element content = (Element) feed.getElementsByTagNameNS(ATOM, "content").item(0);
        assertEquals("application/pdf", content.getAttribute("type"));
        assertTrue(content.getAttribute("src").endsWith("/$value"), content.getAttribute("src"));
        assertEquals(0, feed.getElementsByTagNameNS(DATA, "content_type").getLength(), "not selected, not written");
    }

    @Test
    void aSingleDocumentAsAtomNamesItsType() throws Exception {
        String id = TestService.json(get("/Documents?$select=id", "application/json")).get("value").get(0).get("id")
                .asText();
        HttpResponse<String> response = get("/Documents('" + id + "')?$select=id", "application/xml");
        assertEquals(200, response.statusCode(), response.body());
        Element content = (Element) parse(response.body())
                .getElementsByTagNameNS(ATOM, "content").item(0);
        assertEquals("application/pdf", content.getAttribute("type"));
        assertTrue(response.body().contains("<d:id>" + id + "</d:id>"), response.body());
        assertFalse(response.body().contains("content_type"), response.body());
    }

    @Test
    void metadataWithoutAcceptIsXml() throws Exception {
        HttpResponse<String> response = service.send(service.request("/$metadata").GET().build());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/xml"));
    }

    @Test
    void metadataIsJsonOnlyWhenAskedForExplicitly() throws Exception {
        for (HttpResponse<String> response : List.of(get("/$metadata?$format=json", null),
                get("/$metadata", "application/json"))) {
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
            JsonNode csdl = TestService.json(response);
            assertTrue(csdl.get("$Version").asText().startsWith("4.0"), csdl.get("$Version").asText());
            assertTrue(csdl.get("PatientDocs").has("Document"));
        }
        assertEquals(406, get("/$metadata", "text/plain").statusCode());
    }

    @Test
    void metadataValidatesAgainstTheOasisCsdlSchemas() throws Exception {
        String xml = get("/$metadata", "application/xml").body();
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        URI schema = ClientCompatibilityIT.class.getResource("/odata-schemas/edmx.xsd").toURI();
        factory.newSchema(schema.toURL()).newValidator().validate(new StreamSource(new StringReader(xml)));
    }

    @Test
    void referencedVocabulariesAreServedByTheServiceItself() throws Exception {
        Document metadata = parse(get("/$metadata", "application/xml").body());
        NodeList references = metadata.getElementsByTagNameNS(EDMX, "Reference");
        assertTrue(references.getLength() >= 2);
        for (int i = 0; i < references.getLength(); i++) {
            String uri = ((Element) references.item(i)).getAttribute("Uri");
            assertTrue(uri.startsWith(service.base + "vocabularies/"), uri);
            // Fetched without credentials, as a tool following references might.
            HttpResponse<String> vocabulary = service.http.send(HttpRequest.newBuilder(URI.create(uri)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, vocabulary.statusCode(), uri);
            Document document = parse(vocabulary.body());
            String namespace = ((Element) ((Element) references.item(i)).getElementsByTagNameNS(EDMX, "Include")
                    .item(0)).getAttribute("Namespace");
            assertTrue(vocabulary.body().contains("Namespace=\"" + namespace + "\""), namespace);
            assertEquals("Edmx", document.getDocumentElement().getLocalName());
        }
        assertEquals(404, service.http.send(HttpRequest.newBuilder(service.uri("/vocabularies/Org.OData.Other.xml"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        // A path that climbs out of /vocabularies lands in the OData context, which wants credentials.
        assertEquals(401, service.http.send(HttpRequest.newBuilder(service.uri("/vocabularies/../$metadata"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void systemQueryOptionsAreCaseInsensitiveAndTheDollarIsOptional() throws Exception {
        List<String> answers = new ArrayList<>();
        for (List<String> names : List.of(List.of("$filter", "$select"), List.of("$FILTER", "$SELECT"),
                List.of("filter", "select"), List.of("Filter", "sElEcT"))) {
            String option = names.get(0);
            HttpResponse<String> response = service.get("/Patients?" + option + "=last_name eq 'Smith'&"
                    + names.get(1) + "=id");
            assertEquals(200, response.statusCode(), option + ": " + response.body());
            answers.add(TestService.json(response).get("value").toString());
        }
        assertEquals(1, answers.stream().distinct().count(), answers.toString());
        assertEquals("[{\"@odata.etag\":\"W/\\\"1\\\"\",\"id\":\"compat-1\"}]", answers.get(0));
    }

    @Test
    void aPlusInTheQueryIsASpaceAsFormEncodingWritesIt() throws Exception {
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(
                        URI.create(service.base + "Patients?$filter=last_name+eq+%27Smith%27&$select=id"))
                .header("Authorization", "Bearer " + service.token("user-456"))
                .header("x-api-key", TestService.API_KEY).build());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("[{\"@odata.etag\":\"W/\\\"1\\\"\",\"id\":\"compat-1\"}]",
                TestService.json(response).get("value").toString());
    }

    @Test
    void aSingleEntityExpandsItsNavigationsWithTheirOptions() throws Exception {
        JsonNode patient = TestService.json(service.get("/Patients('compat-1')?$select=last_name"
                + "&$expand=Documents($select=file_name;$orderby=file_name)"));
        assertEquals("Smith", patient.get("last_name").asText());
        assertFalse(patient.has("first_name"));
        assertEquals("a.pdf", patient.get("Documents").get(0).get("file_name").asText());
        assertFalse(patient.get("Documents").get(0).has("content_type"));
        assertEquals(service.base + "$metadata#Patients(id,last_name,Documents(id,file_name))/$entity",
                patient.get("@odata.context").asText());

        String id = patient.get("Documents").get(0).get("id").asText();
        JsonNode document = TestService.json(service.get("/Patients(compat-1)/Documents(" + id + ")"
                + "?$select=file_name&$expand=Patient($select=last_name)"));
        assertFalse(document.has("patient_id"), "read for the expansion, not selected");
        assertEquals("Smith", document.get("Patient").get("last_name").asText());
    }

    @Test
    void aSinglePropertyAndItsRawValueCanBeRead() throws Exception {
        JsonNode lastName = TestService.json(service.get("/Patients('compat-1')/last_name"));
        assertEquals("Smith", lastName.get("value").asText());
        assertEquals(service.base + "$metadata#Patients('compat-1')/last_name", lastName.get("@odata.context").asText());
        HttpResponse<String> raw = service.get("/Patients('compat-1')/last_name/$value");
        assertEquals(200, raw.statusCode());
        assertEquals("Smith", raw.body());
        assertTrue(raw.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertEquals(204, service.get("/Patients('compat-1')/first_name").statusCode(), "a null property");
        assertEquals(404, service.get("/Patients('nobody')/last_name").statusCode());
        assertEquals(405, service.send(service.request("/Patients('compat-1')/last_name")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"X\"}")).build()).statusCode());
    }

    @Test
    void thePageSizePreferenceWorksWithAndWithoutItsPrefix() throws Exception {
        service.postJson("/Patients", "{\"id\":\"compat-2\"}");
        for (String preference : List.of("odata.maxpagesize=1", "maxpagesize=1")) {
            HttpResponse<String> response = service.send(service.request("/Patients").header("Prefer", preference)
                    .GET().build());
            JsonNode page = TestService.json(response);
            assertEquals(1, page.get("value").size(), preference);
            assertTrue(page.has("@odata.nextLink"), preference);
            assertTrue(response.headers().firstValue("Preference-Applied").orElseThrow().contains("maxpagesize=1"));
        }
    }

    @Test
    void int64IsANumberUnlessTheClientAsksForIeee754Compatibility() throws Exception {
        JsonNode plain = TestService.json(get("/Patients(compat-1)/Documents", "application/json"));
        assertTrue(plain.get("value").get(0).get("file_size_bytes").isNumber());
        JsonNode compatible = TestService.json(get("/Patients(compat-1)/Documents",
                "application/json;IEEE754Compatible=true"));
        assertTrue(compatible.get("value").get(0).get("file_size_bytes").isTextual());
        assertEquals("1000", compatible.get("value").get(0).get("file_size_bytes").asText());
    }

    @Test
    void contextUrlsAreAbsoluteAndNullsAreWrittenOut() throws Exception {
        JsonNode root = TestService.json(get("/", null));
        assertEquals(service.base + "$metadata", root.get("@odata.context").asText());
        JsonNode patient = TestService.json(get("/Patients(compat-1)", null));
        assertEquals(service.base + "$metadata#Patients/$entity", patient.get("@odata.context").asText());
        assertTrue(patient.has("first_name") && patient.get("first_name").isNull());
        JsonNode documents = TestService.json(get("/Documents", null));
        assertTrue(documents.get("@odata.context").asText().startsWith(service.base.toString()));
        assertTrue(documents.get("value").get(0).get("uploaded_at").asText().endsWith("Z"));
    }

    @Test
    void debugOutputIsNeverServed() throws Exception {
        HttpResponse<String> response = service.get("/Patients?odata-debug=json");
        assertEquals(200, response.statusCode());
        JsonNode body = TestService.json(response);
        assertTrue(body.has("value"));
        assertFalse(body.has("request") || body.has("stacktrace") || body.has("server"), response.body());
    }

    @Test
    void configuredPublicBaseUrlIsUsedForEveryLink() throws Exception {
        try (TestService proxied = TestService.start(Map.of("http.public-base-url", "https://docs.example.org/api"))) {
            HttpResponse<String> created = proxied.postJson("/Patients", "{\"id\":\"base-1\"}");
            assertEquals("https://docs.example.org/api/Patients('base-1')",
                    created.headers().firstValue("Location").orElseThrow());
            JsonNode list = TestService.json(proxied.get("/Patients"));
            assertEquals("https://docs.example.org/api/$metadata#Patients", list.get("@odata.context").asText());
        }
    }

    @Test
    void forwardedHeadersCountOnlyFromTrustedProxies() throws Exception {
        try (TestService trusting = TestService.start(Map.of("http.trusted-proxies", "127.0.0.1"))) {
            JsonNode viaXForwarded = TestService.json(trusting.send(trusting.request("/Patients")
                    .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "docs.example.org").GET()
                    .build()));
            assertEquals("https://docs.example.org/$metadata#Patients", viaXForwarded.get("@odata.context").asText());
            JsonNode viaForwarded = TestService.json(trusting.send(trusting.request("/Patients")
                    .header("Forwarded", "for=192.0.2.1;proto=https;host=\"docs.example.org:8443\"").GET()
                    .build()));
            assertEquals("https://docs.example.org:8443/$metadata#Patients",
                    viaForwarded.get("@odata.context").asText());
        }
        JsonNode untrusted = TestService.json(service.send(service.request("/Patients")
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "evil.example").GET().build()));
        assertEquals(service.base + "$metadata#Patients", untrusted.get("@odata.context").asText());
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }
}
