package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.error.RequestIds;
import org.patientdocs.url.PercentCoding;

/**
 * {@code $apply} on this run's store, beyond the values {@link DifferentialApplyIT} compares: the context URL of an
 * aggregated answer, what {@code $metadata} announces, the tenant's rows only, and each part of the Data Aggregation
 * Extension the service does not implement answered 501 naming it (never ignored), bad requests 400.
 */
class ApplyIT {

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

    private static HttpResponse<String> get(String path, String query) throws Exception {
        return service.get(path + "?" + DifferentialApplyIT.encode(query));
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return TestService.json(response);
    }

    @Test
    void theContextUrlListsTheGroupedPropertiesAndTheAggregates() throws Exception {
        JsonNode answer = ok(get("Documents",
                "$apply=groupby((Patient/last_name,document_type),aggregate(file_size_bytes with sum as total))"));
        assertEquals(service.base + "$metadata#Documents(Patient(last_name),document_type,total)",
                answer.get("@odata.context").asText());
        JsonNode first = answer.get("value").get(0);
        assertTrue(first.get("Patient").has("last_name"), first.toString());
        assertEquals(3, first.size(), first.toString());
    }

    @Test
    void aPatientsDocumentsAreAggregatedAndAMissingPatientIs404() throws Exception {
        JsonNode answer = ok(get("Patients('p02')/Documents", "$apply=aggregate($count as n)"));
        long expected = DATA.documents.stream().filter(d -> d.get("patient_id").equals("p02")).count();
        assertEquals(expected, answer.get("value").get(0).get("n").asLong());
        assertEquals(404, get("Patients('nobody')/Documents", "$apply=aggregate($count as n)").statusCode());
    }

    @Test
    void anAggregationIsAuditedWithThePatientsItGroupsAndItsRowCount() throws Exception {
        HttpResponse<String> response = get("Documents", "$apply=filter(patient_id in ('p02','p03'))"
                + "/groupby((patient_id),aggregate($count as n))");
        assertEquals(2, ok(response).get("value").size());
        String requestId = response.headers().firstValue(RequestIds.HEADER).orElseThrow();
        JsonNode event = ok(service.get("AuditEvents?" + DifferentialApplyIT.encode("$filter=request_id eq '"
                + requestId + "'"))).get("value").get(0);
        assertEquals("list", event.get("action").asText());
        assertEquals(2, event.get("entity_count").asLong());
        assertEquals("[\"p02\",\"p03\"]", event.get("patient_ids").toString());

        HttpResponse<String> computed = get("Documents", "$compute=file_size_bytes div 1024 as kb"
                + "&$select=kb&$filter=patient_id eq 'p04'");
        long ofP04 = DATA.documents.stream().filter(d -> d.get("patient_id").equals("p04")).count();
        assertEquals(ofP04, ok(computed).get("value").size());
        JsonNode read = ok(service.get("AuditEvents?" + DifferentialApplyIT.encode("$filter=request_id eq '"
                + computed.headers().firstValue(RequestIds.HEADER).orElseThrow() + "'"))).get("value").get(0);
        assertEquals("[\"p04\"]", read.get("patient_ids").toString(), "the patient of every document shown");
        assertEquals(ofP04, read.get("document_ids").size());
    }

    @Test
    void computeInsideTheExpandOfOneEntityShowsTheSelectedComputedPropertiesInItsContext() throws Exception {
        JsonNode patient = ok(get("Patients('p01')", "$select=id&$expand=Documents($compute=file_size_bytes"
                + " div 1024 as kb,length(file_name) as len;$select=kb;$orderby=len desc,kb)"));
        assertTrue(patient.get("@odata.context").asText().endsWith("$metadata#Patients(id,Documents(id,kb))/$entity"),
                patient.toString());
        List<Map<String, Object>> documents = DATA.documents.stream().filter(d -> d.get("patient_id").equals("p01"))
                .sorted(Comparator.comparing((Map<String, Object> d) -> ((String) d.get("file_name")).length())
                        .reversed().thenComparing(d -> (Long) d.get("file_size_bytes") / 1024)
                        // ties: the key, descending as the first $orderby item is
                        .thenComparing(d -> (String) d.get("id"), Comparator.reverseOrder())).toList();
        JsonNode inline = patient.get("Documents");
        assertEquals(documents.size(), inline.size(), patient.toString());
        for (int i = 0; i < documents.size(); i++) {
            assertEquals(documents.get(i).get("id"), inline.get(i).get("id").asText());
            assertEquals((Long) documents.get(i).get("file_size_bytes") / 1024, inline.get(i).get("kb").asLong());
            assertTrue(inline.get(i).has("@odata.etag") && !inline.get(i).has("len")
                    && !inline.get(i).has("file_name"), inline.get(i).toString());
        }
    }

    @Test
    void anExpandedCollectionWithComputedPropertiesContinuesAtItsNextLink() throws Exception {
        HttpResponse<String> first = service.send(service.request("/Patients('p01')?" + DifferentialApplyIT.encode(
                        "$expand=Documents($compute=file_size_bytes mul 2 as twice;$select=twice;$filter=twice gt 0)"))
                .header("Prefer", "odata.maxpagesize=1").GET().build());
        JsonNode patient = ok(first);
        List<String> ids = new ArrayList<>();
        patient.get("Documents").forEach(d -> ids.add(d.get("id").asText() + "=" + d.get("twice").asLong()));
        JsonNode link = patient.get("Documents@odata.nextLink");
        while (link != null) {
            JsonNode page = ok(service.send(service.request(link.asText().substring(service.base.toString()
                    .length() - 1)).header("Prefer", "odata.maxpagesize=1").GET().build()));
            page.get("value").forEach(d -> ids.add(d.get("id").asText() + "=" + d.get("twice").asLong()));
            link = page.get("@odata.nextLink");
            assertTrue(ids.size() < 100, "too many pages");
        }
        assertEquals(DATA.documents.stream().filter(d -> d.get("patient_id").equals("p01")
                        && (Long) d.get("file_size_bytes") > 0).sorted(Comparator.comparing(d -> (String) d.get("id")))
                .map(d -> d.get("id") + "=" + (Long) d.get("file_size_bytes") * 2).toList(), ids);
    }

    @Test
    void computeBesideATopLevelExpandPagesLikeAnyCollection() throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        String link = "/Documents?" + DifferentialApplyIT.encode("$compute=file_size_bytes div 1024 as kb"
                + "&$select=id,kb&$expand=Patient($select=last_name)&$count=true");
        JsonNode first = null;
        while (link != null) {
            JsonNode page = ok(service.send(service.request(link).header("Prefer", "odata.maxpagesize=20").GET()
                    .build()));
            first = first == null ? page : first;
            page.get("value").forEach(documents::add);
            JsonNode next = page.get("@odata.nextLink");
            link = next == null ? null : next.asText().substring(service.base.toString().length() - 1);
            assertTrue(next == null || next.asText().contains("compute(file_size_bytes%20div%201024%20as%20kb)")
                    && next.asText().contains("$skiptoken="), next == null ? "" : next.asText());
            assertTrue(documents.size() < 100, "too many pages");
        }
        assertEquals(service.base + "$metadata#Documents(id,kb,Patient(id,last_name))",
                first.get("@odata.context").asText());
        assertEquals(DATA.documents.size(), first.get("@odata.count").asLong());
        assertEquals(DATA.documents.size(), documents.size());
        Map<String, String> lastNames = new java.util.HashMap<>();
        DATA.patients.forEach(p -> lastNames.put((String) p.get("id"), String.valueOf(p.get("last_name"))));
        for (int i = 0; i < documents.size(); i++) {
            JsonNode document = documents.get(i);
            Map<String, Object> expected = DATA.documents.stream().sorted(Comparator.comparing(
                    (Map<String, Object> d) -> (String) d.get("id"))).toList().get(i);
            assertEquals(expected.get("id"), document.get("id").asText());
            assertEquals((Long) expected.get("file_size_bytes") / 1024, document.get("kb").asLong());
            assertEquals(lastNames.get((String) expected.get("patient_id")),
                    document.get("Patient").get("last_name").asText(), document.toString());
            assertTrue(document.has("@odata.etag") && !document.has("file_name"), document.toString());
        }
    }

    @Test
    void anApplyLargerThanTheNodeLimitIsRefused() throws Exception {
        String condition = String.join(" and ", Collections.nCopies(130, "file_size_bytes ge 0"));
        HttpResponse<String> response = get("Documents", "$apply=filter(" + condition + ")/aggregate($count as n)");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("query.max-filter-nodes"), response.body());
    }

    @Test
    void metadataAnnouncesApplySupportedAndTheVocabularyIsServed() throws Exception {
        HttpResponse<String> metadata = service.get("$metadata");
        assertEquals(200, metadata.statusCode());
        assertTrue(metadata.body().contains("Term=\"Aggregation.ApplySupported\""), metadata.body());
        assertTrue(metadata.body().contains(service.base + "vocabularies/Org.OData.Aggregation.V1.xml"),
                metadata.body());
        HttpResponse<String> vocabulary = service.get("vocabularies/Org.OData.Aggregation.V1.xml");
        assertEquals(200, vocabulary.statusCode());
        assertTrue(vocabulary.body().contains("Term Name=\"ApplySupported\""));
    }

    @Test
    void optionNamesInAnyCaseAndNumbersAsStringsWhenAsked() throws Exception {
        HttpResponse<String> response = service.send(service.request("Documents?APPLY="
                        + PercentCoding.encode("aggregate(file_size_bytes with sum as total)"))
                .header("Accept", "application/json;IEEE754Compatible=true").GET().build());
        JsonNode total = ok(response).get("value").get(0).get("total");
        assertTrue(total.isTextual(), total.toString());
        long expected = DATA.documents.stream().mapToLong(d -> (Long) d.get("file_size_bytes")).sum();
        assertEquals(Long.toString(expected), total.asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Documents|$apply=groupby((rollup(document_type,content_type)),aggregate($count as n))|rollup",
        "Documents|$apply=aggregate(file_size_bytes with sum as total from document_type)|from",
        "Documents|$apply=aggregate(file_size_bytes with PatientDocs.median as m)|custom aggregation method",
        "Documents|$apply=aggregate(Patient/$count as n)|navigation",
        "Documents|$apply=expand(Patient,filter(last_name eq 'Smith'))|expand",
        "Documents|$apply=concat(aggregate($count as n),filter(document_type eq 'x'))|concat",
        "Documents|$apply=concat(aggregate($count as n),groupby((document_type))/top(1))|concat",
        "Documents|$apply=topcount(2,file_size_bytes)|topcount",
        "Documents|$apply=groupby((document_type),aggregate($count as n))/groupby((n))|aggregated result",
        "Documents|$apply=top(5)/aggregate($count as n)|after top or skip",
        "Documents|$apply=groupby((document_type),aggregate($count as n))/top(3)&$filter=n gt 1|after top or skip",
        "Patients|$expand=*($compute=file_size_bytes div 1024 as kb)|$compute",
        "Patients|$expand=Documents($compute=1 add 1 as two)&$format=xml|JSON",
        "Documents|$apply=groupby((document_type))&$expand=Patient|$expand",
        "Documents|$apply=groupby((document_type))&$search=pdf|$search",
        "Documents|$apply=groupby((document_type))&$format=xml|JSON",
        "Patients|$expand=Documents($apply=aggregate($count as n))|$apply",
    })
    void whatTheServiceDoesNotImplementIs501NamingIt(String path, String query, String named) throws Exception {
        HttpResponse<String> response = get(path, query);
        assertEquals(501, response.statusCode(), response.body());
        String message = TestService.json(response).get("error").get("message").asText();
        assertTrue(message.contains(named), message);
    }

    @Test
    void onACountApplyAndComputeAndOnASingleEntityApplyAre501NamingBoth() throws Exception {
        for (String path : new String[] {"Documents/$count", "Patients('p01')/Documents/$count"}) {
            for (String query : new String[] {"$apply=aggregate($count as n)", "$compute=1 add 1 as two"}) {
                HttpResponse<String> response = get(path, query);
                assertEquals(501, response.statusCode(), response.body());
                assertTrue(response.body().contains("$apply and $compute"), response.body());
            }
        }
        for (String path : new String[] {"Documents('doc-000')", "Documents('doc-000')/Patient",
            "$entity?$id=Documents('doc-000')&"}) {
            HttpResponse<String> response = service.get("/" + path + (path.endsWith("&") ? "" : "?")
                    + DifferentialApplyIT.encode("$apply=aggregate($count as n)"));
            assertEquals(501, response.statusCode(), response.body());
            assertTrue(response.body().contains("$apply and $compute"), response.body());
        }
    }

    @Test
    void computeOnOneEntityShowsTheSelectedComputedPropertiesInItsContext() throws Exception {
        Map<String, Object> expected = DATA.documents.get(0);
        HttpResponse<String> response = get("Documents('doc-000')",
                "$compute=file_size_bytes div 1024 as kb,length(file_name) as len&$select=kb,file_name");
        JsonNode document = ok(response);
        assertEquals(service.base + "$metadata#Documents(id,file_name,kb)/$entity",
                document.get("@odata.context").asText());
        assertEquals((Long) expected.get("file_size_bytes") / 1024, document.get("kb").asLong());
        assertEquals(expected.get("file_name"), document.get("file_name").asText());
        assertEquals("doc-000", document.get("id").asText());
        assertTrue(document.has("@odata.etag") && !document.has("len") && !document.has("description"),
                document.toString());
        assertEquals(document.get("@odata.etag").asText(), response.headers().firstValue("ETag").orElseThrow());

        JsonNode patient = ok(get("Patients('p01')", "$compute=concat(first_name,last_name) as full"));
        assertEquals(service.base + "$metadata#Patients(id,first_name,last_name,birth_date,full)/$entity",
                patient.get("@odata.context").asText());
        assertEquals("AdaSmith", patient.get("full").asText());
        assertEquals("Ada", patient.get("first_name").asText());
    }

    @Test
    void computeOnANavigationToOneEntityWorksBesideComputeInsideItsExpand() throws Exception {
        JsonNode patient = ok(get("Documents('doc-000')/Patient", "$compute=length(last_name) as n&$select=n"
                + "&$expand=Documents($compute=file_size_bytes mul 2 as twice;$select=twice;$top=1)"));
        assertEquals(service.base + "$metadata#Patients(id,n,Documents(id,twice))/$entity",
                patient.get("@odata.context").asText());
        assertEquals("p01", patient.get("id").asText());
        assertEquals(5, patient.get("n").asLong());
        assertTrue(!patient.has("last_name") && patient.get("Documents").get(0).has("twice"), patient.toString());
        assertEquals(404, get("Documents('doc-999')/Patient", "$compute=length(last_name) as n").statusCode());
        assertEquals(404, get("Documents('doc-999')", "$compute=length(file_name) as n").statusCode());
    }

    @Test
    void computeOnOneEntityWorksInBothBatchFormats() throws Exception {
        String url = "Documents('doc-000')?" + DifferentialApplyIT.encode("$compute=file_size_bytes div 1024 as kb"
                + "&$select=kb");
        long kb = (Long) DATA.documents.get(0).get("file_size_bytes") / 1024;
        BatchCalls batch = new BatchCalls(service);
        HttpResponse<String> multipart = batch.multipart(BatchCalls.request(null, "GET", url, null));
        assertEquals(List.of(200), BatchCalls.statuses(multipart), multipart.body());
        assertTrue(multipart.body().contains("\"kb\":" + kb), multipart.body());
        HttpResponse<String> json = batch.json("{\"requests\":[{\"id\":\"1\",\"method\":\"GET\",\"url\":\""
                + url + "\"}]}");
        assertEquals(List.of("1:200"), BatchCalls.answered(json), json.body());
        assertEquals(kb, BatchCalls.responses(json).get(0).get("body").get("kb").asLong(), json.body());
    }

    @Test
    void computeOnOneEntityIsAnsweredInJsonOnlyAndItsOwnOptionNameIsRefused() throws Exception {
        HttpResponse<String> xml = get("Documents('doc-000')", "$compute=length(file_name) as n&$format=xml");
        assertEquals(501, xml.statusCode(), xml.body());
        assertTrue(xml.body().contains("JSON"), xml.body());
        HttpResponse<String> own = get("Documents('doc-000')", "patientdocs.compute=compute(1 add 1 as two)");
        assertEquals(400, own.statusCode(), own.body());
        HttpResponse<String> bad = get("Documents('doc-000')", "$compute=length(no_such_property) as n");
        assertEquals(400, bad.statusCode(), bad.body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "$apply=aggregate(file_name with sum as total)|numbers",
        "$apply=groupby((document_type),aggregate($count as n))&$filter=file_size_bytes gt 1|grouped",
        "$apply=groupby((document_type),aggregate($count as n))&$orderby=file_name|grouped",
        "$apply=groupby((document_type))&$select=file_name|$select",
        "$apply=groupby((no_such_property))|no_such_property",
        "$apply=groupby((document_type)/|malformed",
    })
    void badRequestsAre400(String query, String named) throws Exception {
        HttpResponse<String> response = get("Documents", query);
        assertEquals(400, response.statusCode(), response.body());
        String message = TestService.json(response).get("error").get("message").asText();
        assertTrue(message.contains(named), message);
    }
}
