package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientdocs.url.PercentCoding;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Every Capabilities and Core annotation in $metadata is checked against what the service actually does. An
 * annotation this test does not know fails it, so a new claim cannot go unproven.
 */
class CapabilitiesIT {

    private static final String EDM = "http://docs.oasis-open.org/odata/ns/edm";
    private static final int PAGE_SIZE = 3;
    private static final int UPLOAD_LIMIT = 4096;
    private static TestService service;
    private static Document metadata;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("query.max-page-size", String.valueOf(PAGE_SIZE),
                "upload.max-bytes", String.valueOf(UPLOAD_LIMIT)));
        for (int i = 0; i < 4; i++) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"cap-" + i + "\",\"last_name\":\"Name\"}")
                    .statusCode());
        }
        assertEquals(201, upload("cap-0", "a.pdf", Samples.PDF, Samples.pdf(400)).statusCode());
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        metadata = factory.newDocumentBuilder().parse(new InputSource(new StringReader(
                service.send(service.request("/$metadata").header("Accept", "application/xml").build()).body())));
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static HttpResponse<String> upload(String patient, String name, String type, byte[] content)
            throws Exception {
        Multipart form = new Multipart().file("file", name, type, content);
        return service.send(service.request("/Patients(" + patient + ")/Documents")
                .header("Content-Type", form.contentType()).POST(form.publisher()).build());
    }

    /** Each annotation as "Target Term/Property=value" strings, records flattened one level. */
    private static List<String> claims(Element parent, String target) {
        List<String> claims = new ArrayList<>();
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element annotation && annotation.getLocalName().equals("Annotation")) {
                String term = annotation.getAttribute("Term");
                String constant = constant(annotation);
                if (constant != null) {
                    claims.add(target + " " + term + "=" + constant);
                } else {
                    NodeList values = annotation.getElementsByTagNameNS(EDM, "PropertyValue");
                    for (int v = 0; v < values.getLength(); v++) {
                        Element value = (Element) values.item(v);
                        if (constant(value) != null) {
                            claims.add(target + " " + term + "/" + value.getAttribute("Property") + "="
                                    + constant(value));
                        }
                    }
                    if (values.getLength() == 0) {
                        claims.add(target + " " + term);
                    }
                }
            }
        }
        return claims;
    }

    /** A boolean or integer constant, written as an attribute or as a child element (Olingo writes the latter). */
    private static String constant(Element element) {
        for (String kind : List.of("Bool", "Int")) {
            if (element.hasAttribute(kind)) {
                return element.getAttribute(kind);
            }
            NodeList children = element.getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                if (children.item(i) instanceof Element child && child.getLocalName().equals(kind)) {
                    return child.getTextContent().trim();
                }
            }
        }
        return null;
    }

    /** Every claim of $metadata, on the container, the entity sets and the entity types. */
    private static List<String> allClaims() {
        List<String> claims = new ArrayList<>();
        Element container = (Element) metadata.getElementsByTagNameNS(EDM, "EntityContainer").item(0);
        claims.addAll(claims(container, "Container"));
        NodeList sets = container.getElementsByTagNameNS(EDM, "EntitySet");
        for (int i = 0; i < sets.getLength(); i++) {
            Element set = (Element) sets.item(i);
            claims.addAll(claims(set, set.getAttribute("Name")));
        }
        NodeList types = metadata.getElementsByTagNameNS(EDM, "EntityType");
        for (int i = 0; i < types.getLength(); i++) {
            Element type = (Element) types.item(i);
            claims.addAll(claims(type, type.getAttribute("Name")));
        }
        return claims;
    }

    private static int status(String path) throws Exception {
        return service.get(path).statusCode();
    }

    /** One case per claim, named by it: "Patients Capabilities.TopSupported=true". */
    @ParameterizedTest(name = "{0}")
    @MethodSource("allClaims")
    void everyClaimInMetadataHoldsOnTheRunningService(String claim) throws Exception {
        String set = claim.substring(0, claim.indexOf(' '));
        String term = claim.substring(claim.indexOf(' ') + 1);
        switch (term) {
            case "Capabilities.FilterRestrictions/Filterable=true" ->
                    assertEquals(200, status("/" + set + "?$filter=id ne " + (set.equals("AuditEvents") ? "0" : "'x'")),
                            claim);
            case "Capabilities.SortRestrictions/Sortable=true" ->
                    assertEquals(200, status("/" + set + "?$orderby=id desc"), claim);
            case "Capabilities.TopSupported=true" -> topIsHonoured(set, claim);
            case "Capabilities.SkipSupported=true" -> assertEquals(200, status("/" + set + "?$skip=1"), claim);
            case "Capabilities.CountRestrictions/Countable=true" -> bothCountsAnswer(set, claim);
            case "Capabilities.SearchRestrictions/Searchable=true" ->
                    assertEquals(200, status("/" + set + "?$search=name"), claim);
            case "Capabilities.SearchRestrictions/Searchable=false" ->
                    assertEquals(501, status("/" + set + "?$search=name"), claim);
            case "Capabilities.ExpandRestrictions/Expandable=true" -> assertEquals(200,
                    status("/" + set + "?$expand=" + (set.equals("Patients") ? "Documents" : "Patient")), claim);
            case "Capabilities.InsertRestrictions/Insertable=true" ->
                    assertEquals(201, service.postJson("/" + set, "{\"id\":\"cap-new\"}").statusCode(), claim);
            case "Capabilities.InsertRestrictions/Insertable=false" -> anInsertIsRefused(set, claim);
            case "Capabilities.NavigationRestrictions/Insertable=true" ->
                    assertEquals(201, upload("cap-2", "n.pdf", Samples.PDF, Samples.pdf(400)).statusCode(), claim);
            case "Capabilities.UpdateRestrictions/Updatable=true" -> anEntityIsUpdated(set, claim);
            case "Capabilities.UpdateRestrictions/Updatable=false" -> aChangeIsRefused(set, "PATCH", claim);
            case "Capabilities.DeleteRestrictions/Deletable=true" -> anEntityIsDeleted(set, claim);
            case "Capabilities.DeleteRestrictions/Deletable=false" -> aChangeIsRefused(set, "DELETE", claim);
            case "Capabilities.BatchSupported=true" -> anEmptyJsonBatchIsAnswered(claim);
            case "Capabilities.KeyAsSegmentSupported=true" -> aKeyAsSegmentAddressesTheEntity(claim);
            case "Capabilities.ComputeSupported=true" -> computeIsAppliedEverywhere(set, claim);
            case "PatientDocs.MaxPageSize=" + PAGE_SIZE -> aFullPageHasANextLink(claim);
            case "PatientDocs.MaxUploadBytes=" + UPLOAD_LIMIT -> theUploadLimitIsExact(claim);
            case "Core.AcceptableMediaTypes" -> checkAcceptableMediaTypes();
            case "Aggregation.ApplySupported/From=false" -> everyTransformationButFromIsApplied(set, claim);
            default -> throw new AssertionError("an annotation without a check: " + claim);
        }
    }

    @Test
    void theMetadataClaimsTheLimitsAndBatches() {
        List<String> claims = allClaims();
        assertTrue(claims.stream().anyMatch(c -> c.contains("MaxUploadBytes")), claims.toString());
        assertTrue(claims.stream().anyMatch(c -> c.contains("MaxPageSize")), claims.toString());
        assertTrue(claims.stream().anyMatch(c -> c.contains("BatchSupported")), claims.toString());
    }

    /** The transformations the annotation lists all work, in one chain; {@code from} is refused. */
    private static void everyTransformationButFromIsApplied(String set, String claim) throws Exception {
        String chain = "identity/filter(id ne 'x')/search(name OR pdf OR NOT name)/compute(length(id) as n)"
                + "/concat(groupby((n),aggregate($count as c,n with sum as s)),aggregate($count as c))"
                + "/orderby(c desc)/skip(0)/top(5)";
        assertEquals(200, status("/" + set + "?$apply=" + PercentCoding.encode(chain)), claim);
        assertEquals(501, status("/" + set + "?$apply=" + PercentCoding.encode(
                "aggregate(id with countdistinct as c from id)")), claim);
    }

    private static void topIsHonoured(String set, String claim) throws Exception {
        JsonNode page = TestService.json(service.get("/" + set + "?$top=1"));
        assertTrue(page.get("value").size() <= 1, claim);
    }

    private static void bothCountsAnswer(String set, String claim) throws Exception {
        assertTrue(TestService.json(service.get("/" + set + "?$count=true")).has("@odata.count"), claim);
        assertEquals(200, status("/" + set + "/$count"), claim);
    }

    /** Documents are created by uploading to their patient; the audit trail's events only by the service. */
    private static void anInsertIsRefused(String set, String claim) throws Exception {
        if (set.equals("AuditEvents")) {
            long before = TestService.json(service.get("/AuditEvents?$filter=action ne 'list'&$count=true&$top=0"))
                    .get("@odata.count").asLong();
            assertEquals(405, service.postJson("/" + set, "{\"id\":1,\"action\":\"read\"}").statusCode(), claim);
            assertEquals(before, TestService.json(service.get(
                    "/AuditEvents?$filter=action ne 'list'&$count=true&$top=0")).get("@odata.count").asLong(), claim);
            return;
        }
        assertEquals(405, service.send(service.request("/" + set).header("Content-Type", Samples.PDF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Samples.pdf(400))).build()).statusCode(), claim);
    }

    /** The audit trail's events cannot be changed or deleted: 405, and the event stays as it was. */
    private static void aChangeIsRefused(String set, String method, String claim) throws Exception {
        String path = "/" + set + "(1)";
        String before = TestService.json(service.get(path)).toString();
        HttpResponse<String> refused = service.send(service.request(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{\"subject\":\"someone-else\"}")).build());
        assertEquals(405, refused.statusCode(), claim);
        assertEquals("GET, HEAD, OPTIONS", refused.headers().firstValue("Allow").orElse(null), claim);
        assertEquals(before, TestService.json(service.get(path)).toString(), claim);
    }

    private static void anEntityIsUpdated(String set, String claim) throws Exception {
        String target = set.equals("Patients") ? "'cap-1'" : "'" + anyDocument() + "'";
        assertEquals(200, service.patchJson("/" + set + "(" + target + ")",
                set.equals("Patients") ? "{\"first_name\":\"X\"}" : "{\"description\":\"x\"}").statusCode(), claim);
    }

    private static void anEntityIsDeleted(String set, String claim) throws Exception {
        String target = set.equals("Patients") ? "'cap-3'" : "'" + anyDocument() + "'";
        assertEquals(204, service.delete("/" + set + "(" + target + ")").statusCode(), claim);
    }

    private static void aKeyAsSegmentAddressesTheEntity(String claim) throws Exception {
        HttpResponse<String> patient = service.get("/Patients/cap-1");
        assertEquals(200, patient.statusCode(), claim + ": " + patient.body());
        assertEquals("cap-1", TestService.json(patient).get("id").asText(), claim);
        assertEquals(1, Integer.parseInt(service.get("/Patients/cap-0/Documents/$count").body()), claim);
    }

    /** On the collection beside $expand, inside $expand, and on one entity of the set. */
    private static void computeIsAppliedEverywhere(String set, String claim) throws Exception {
        String navigation = set.equals("Patients") ? "Documents" : "Patient";
        JsonNode page = TestService.json(service.get("/" + set + "?$compute=" + PercentCoding.encode("length(id) as n")
                + "&$expand=" + PercentCoding.encode(navigation + "($compute=length(id) as m)") + "&$top=1"));
        JsonNode first = page.get("value").get(0);
        assertEquals(first.get("id").asText().length(), first.get("n").asInt(), claim + ": " + page);
        HttpResponse<String> one = service.get("/" + set + "('" + first.get("id").asText() + "')?$compute="
                + PercentCoding.encode("length(id) as n") + "&$select=n");
        assertEquals(200, one.statusCode(), claim + ": " + one.body());
        assertEquals(first.get("n").asInt(), TestService.json(one).get("n").asInt(), claim);
    }

    @Test
    void theMetadataClaimsComputeOnPatientsAndDocuments() {
        List<String> claims = allClaims();
        for (String set : List.of("Patients", "Documents")) {
            assertTrue(claims.contains(set + " Capabilities.ComputeSupported=true"), claims.toString());
        }
    }

    private static void anEmptyJsonBatchIsAnswered(String claim) throws Exception {
        assertEquals(200, service.send(service.request("/$batch").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"requests\":[]}")).build()).statusCode(), claim);
    }

    private static void aFullPageHasANextLink(String claim) throws Exception {
        JsonNode page = TestService.json(service.get("/Patients"));
        assertEquals(PAGE_SIZE, page.get("value").size(), claim);
        assertTrue(page.has("@odata.nextLink"), claim);
    }

    private static void theUploadLimitIsExact(String claim) throws Exception {
        assertEquals(201, upload("cap-2", "max.pdf", Samples.PDF, Samples.pdf(UPLOAD_LIMIT)).statusCode());
        assertEquals(413, upload("cap-2", "over.pdf", Samples.PDF, Samples.pdf(UPLOAD_LIMIT + 1)).statusCode(),
                claim);
    }

    @Test
    void everyComputedPropertyRefusesAChange() throws Exception {
        String id = anyDocument();
        Map<String, String> changes = Map.of("id", "\"doc-other\"", "patient_id", "\"cap-1\"",
                "file_name", "\"renamed.pdf\"", "content_type", "\"image/png\"", "file_size_bytes", "1",
                "uploaded_by_id", "\"someone-else\"", "uploaded_at", "\"2020-01-01T00:00:00Z\"");
        NodeList properties = metadata.getElementsByTagNameNS(EDM, "Property");
        Set<String> computed = new TreeSet<>();
        for (int i = 0; i < properties.getLength(); i++) {
            Element property = (Element) properties.item(i);
            boolean isComputed = false;
            NodeList annotations = property.getElementsByTagNameNS(EDM, "Annotation");
            for (int a = 0; a < annotations.getLength(); a++) {
                isComputed |= ((Element) annotations.item(a)).getAttribute("Term").equals("Core.Computed");
            }
            if (isComputed && ((Element) property.getParentNode()).getAttribute("Name").equals("Document")) {
                computed.add(property.getAttribute("Name"));
            }
        }
        assertEquals(new TreeSet<>(changes.keySet()), computed);
        for (String name : computed) {
            HttpResponse<String> refused = service.patchJson("/Documents('" + id + "')",
                    "{\"" + name + "\":" + changes.get(name) + "}");
            assertEquals(400, refused.statusCode(), name);
            assertEquals(name, TestService.json(refused).get("error").get("target").asText(), name);
        }
    }

    private static String anyDocument() throws Exception {
        HttpResponse<String> created = upload("cap-2", "any.pdf", Samples.PDF, Samples.pdf(400));
        return TestService.json(created).get("id").asText();
    }

    private static void checkAcceptableMediaTypes() throws Exception {
        Element type = null;
        NodeList types = metadata.getElementsByTagNameNS(EDM, "EntityType");
        for (int i = 0; i < types.getLength(); i++) {
            if (((Element) types.item(i)).getAttribute("Name").equals("Document")) {
                type = (Element) types.item(i);
            }
        }
        List<String> listed = new ArrayList<>();
        NodeList strings = type.getElementsByTagNameNS(EDM, "String");
        for (int i = 0; i < strings.getLength(); i++) {
            listed.add(strings.item(i).getTextContent());
        }
        assertEquals(Set.of(Samples.PDF, Samples.PNG, Samples.JPEG, Samples.TIFF, Samples.DOCX), Set.copyOf(listed));
        for (String mediaType : listed) {
            byte[] content = switch (mediaType) {
                case Samples.PDF -> Samples.pdf(400);
                case Samples.PNG -> Samples.png(100);
                case Samples.JPEG -> Samples.jpeg(1000);
                case Samples.TIFF -> Samples.tiff(200);
                default -> Samples.docx();
            };
            assertEquals(201, upload("cap-2", "f", mediaType, content).statusCode(), mediaType);
        }
        HttpResponse<String> other = upload("cap-2", "f.gif", "image/gif", "GIF89a".getBytes());
        assertEquals(400, other.statusCode());
        assertFalse(listed.contains("image/gif"));
    }
}
