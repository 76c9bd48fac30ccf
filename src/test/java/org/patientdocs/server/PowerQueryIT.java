package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays the request sequence of Power Query (Excel "From OData Feed", Power BI OData.Feed) with its exact headers,
 * and checks each thing it needs from a service.
 */
class PowerQueryIT {

    static final String ACCEPT = "application/json;odata.metadata=minimal;q=1.0,"
            + "application/json;odata=minimalmetadata;q=0.9,application/atomsvc+xml;q=0.8,"
            + "application/atom+xml;q=0.8,application/xml;q=0.7,text/plain;q=0.7";
    private static final String PUBLIC_BASE = "https://docs.example.org:8443/odata";
    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        // Behind a TLS-terminating proxy: links must carry the public scheme, host and port.
        service = TestService.start(Map.of("query.max-page-size", "4", "http.public-base-url", PUBLIC_BASE));
        for (int p = 0; p < 3; p++) {
            assertEquals(201, service.postJson("/Patients", "{\"id\":\"pq-" + p + "\",\"last_name\":\"Name" + p
                    + "\"}").statusCode());
            for (int d = 0; d < 3; d++) {
                Multipart form = new Multipart().file("file", "p" + p + "-d" + d + ".pdf", Samples.PDF,
                        Samples.pdf(500 + d)).field("document_type", d == 0 ? "Referral" : "Lab");
                assertEquals(201, service.send(service.request("/Patients(pq-" + p + ")/Documents")
                        .header("Content-Type", form.contentType()).POST(form.publisher()).build()).statusCode());
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    /** A request as Power Query sends it, to a URL relative to the service (or an absolute link it follows). */
    private static HttpResponse<String> powerQuery(String pathOrLink) throws Exception {
        URI uri = pathOrLink.startsWith(PUBLIC_BASE)
                ? service.uri(pathOrLink.substring(PUBLIC_BASE.length())) : service.uri(pathOrLink);
        HttpResponse<String> response = service.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + service.token("powerbi-user"))
                .header("x-api-key", TestService.API_KEY)
                .header("OData-MaxVersion", "4.0")
                .header("MaxDataServiceVersion", "3.0")
                .header("Accept", ACCEPT)
                .GET().build());
        assertEquals(200, response.statusCode(), pathOrLink + ": " + response.body());
        assertEquals(List.of("4.0"), response.headers().allValues("OData-Version"), pathOrLink);
        return response;
    }

    private static JsonNode json(String pathOrLink) throws Exception {
        HttpResponse<String> response = powerQuery(pathOrLink);
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        JsonNode body = TestService.json(response);
        assertTrue(body.get("@odata.context").asText().startsWith(PUBLIC_BASE + "/$metadata"),
                "absolute context: " + body.get("@odata.context"));
        return body;
    }

    @Test
    void theWholeSequenceWorks() throws Exception {
        JsonNode root = json("/");
        assertEquals(3, root.get("value").size());

        HttpResponse<String> metadata = powerQuery("/$metadata");
        assertTrue(metadata.headers().firstValue("Content-Type").orElseThrow().startsWith("application/xml"));
        assertTrue(metadata.body().contains("EntityType Name=\"Document\" HasStream=\"true\""));

        JsonNode filtered = json("/Documents?$select=id,file_name,uploaded_at,description"
                + "&$filter=document_type eq 'Referral'&$orderby=file_name&$top=2&$skip=1");
        assertEquals(2, filtered.get("value").size());
        JsonNode first = filtered.get("value").get(0);
        assertEquals("p1-d0.pdf", first.get("file_name").asText());
        assertTrue(first.has("description") && first.get("description").isNull(), "nulls are written out");
        assertTrue(first.get("uploaded_at").asText().matches(".*T.*(Z|[+-]\\d\\d:\\d\\d)$"), "with offset");

        JsonNode empty = json("/Documents?$filter=document_type eq 'None'");
        assertTrue(empty.get("value").isArray());
        assertEquals(0, empty.get("value").size());

        HttpResponse<String> count = powerQuery("/Documents/$count?$filter=document_type eq 'Lab'");
        assertEquals("6", count.body());

        JsonNode expanded = json("/Patients?$expand=Documents($select=file_name)&$orderby=id");
        assertFalse(expanded.get("@odata.context").asText().contains("()"),
                "a context URL form Power Query accepts: " + expanded.get("@odata.context"));
        assertEquals(3, expanded.get("value").get(0).get("Documents").size());

        JsonNode plainExpand = json("/Patients?$expand=Documents&$orderby=id");
        assertFalse(plainExpand.get("@odata.context").asText().contains("()"),
                "no Set(Prop,Nav()) form: " + plainExpand.get("@odata.context"));
        assertTrue(plainExpand.get("value").get(0).get("Documents").get(0).get("file_size_bytes").isNumber());

        // a compliance officer's query: who read pq-1's records, newest first, in pages
        JsonNode audit = json("/AuditEvents?$filter=patient_ids/any(p: p eq 'pq-1') and action ne 'upload'"
                + "&$orderby=at desc&$select=id,at,subject,action,patient_ids,document_ids,status");
        assertEquals(4, audit.get("value").size());
        assertTrue(audit.has("@odata.nextLink"), "more events than a page");
        JsonNode newest = audit.get("value").get(0);
        assertEquals("powerbi-user", newest.get("subject").asText());
        assertEquals("list", newest.get("action").asText());
        assertTrue(newest.get("patient_ids").isArray() && newest.get("id").isNumber(), newest.toString());
    }

    @Test
    void nextLinksAreAbsolutePublicUrlsFollowedToTheEnd() throws Exception {
        List<String> names = new ArrayList<>();
        String link = "/Documents?$select=file_name&$orderby=file_name";
        int pages = 0;
        while (link != null) {
            JsonNode page = json(link);
            page.get("value").forEach(d -> names.add(d.get("file_name").asText()));
            link = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
            if (link != null) {
                assertTrue(link.startsWith(PUBLIC_BASE + "/Documents?"), link);
            }
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(9, names.size());
        assertEquals(names.stream().sorted().toList(), names);
    }
}
