package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.http.impl.client.DefaultHttpClient;
import org.apache.olingo.client.api.ODataClient;
import org.apache.olingo.client.api.communication.request.cud.UpdateType;
import org.apache.olingo.client.api.communication.response.ODataEntityCreateResponse;
import org.apache.olingo.client.api.domain.ClientEntity;
import org.apache.olingo.client.api.domain.ClientEntitySet;
import org.apache.olingo.client.api.domain.ClientObjectFactory;
import org.apache.olingo.client.api.domain.ClientServiceDocument;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.client.core.http.DefaultHttpClientFactory;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Apache Olingo's Java client, the same version as the server, against the running service. */
class OlingoClientIT {

    private static final int DOCUMENTS = 7;
    private static TestService service;
    private static ODataClient client;
    private static final List<byte[]> UPLOADED = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("query.max-page-size", "3"));
        client = ODataClientFactory.getClient();
        String token = service.token("user-456");
        client.getConfiguration().setHttpClientFactory(new DefaultHttpClientFactory() {
            @Override
            public DefaultHttpClient create(HttpMethod method, URI uri) {
                DefaultHttpClient http = super.create(method, uri);
                http.addRequestInterceptor((request, context) -> {
                    request.addHeader("Authorization", "Bearer " + token);
                    request.addHeader("x-api-key", TestService.API_KEY);
                });
                return http;
            }
        });
        assertEquals(201, service.postJson("/Patients", "{\"id\":\"olingo-1\",\"last_name\":\"Client\"}")
                .statusCode());
        for (int i = 0; i < DOCUMENTS; i++) {
            byte[] content = Samples.pdf(1000 + i);
            Multipart form = new Multipart().file("file", "doc-" + i + ".pdf", Samples.PDF, content)
                    .field("document_type", i % 2 == 0 ? "Referral" : "Insurance");
            HttpResponse<String> created = service.send(service.request("/Patients(olingo-1)/Documents")
                    .header("Content-Type", form.contentType()).POST(form.publisher()).build());
            assertEquals(201, created.statusCode(), created.body());
            UPLOADED.add(content);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    private static String root() {
        return service.base.toString().replaceAll("/$", "");
    }

    @Test
    void readsTheServiceDocumentAndTheModel() {
        ClientServiceDocument document = client.getRetrieveRequestFactory().getServiceDocumentRequest(root())
                .execute().getBody();
        assertEquals(List.of("AuditEvents", "Documents", "Patients"),
                document.getEntitySetNames().stream().sorted().toList());

        Edm edm = client.getRetrieveRequestFactory().getMetadataRequest(root()).execute().getBody();
        EdmEntityType documentType = edm.getEntityType(new FullQualifiedName("PatientDocs", "Document"));
        assertTrue(documentType.hasStream(), "Document is a media entity");
        assertNotNull(edm.getEntityContainer().getEntitySet("Patients"));
        assertNotNull(edm.getEntityContainer().getEntitySet("Documents"));
    }

    @Test
    void runsQueriesBuiltWithItsUriBuilder() {
        URI uri = client.newURIBuilder(root()).appendEntitySetSegment("Documents")
                .filter("document_type eq 'Referral'").orderBy("file_name desc").top(2).skip(1).count(true)
                .expand("Patient").build();
        ClientEntitySet page = client.getRetrieveRequestFactory().getEntitySetRequest(uri).execute().getBody();
        assertEquals(4, page.getCount());
        List<String> names = page.getEntities().stream()
                .map(e -> e.getProperty("file_name").getPrimitiveValue().toString()).toList();
        assertEquals(List.of("doc-4.pdf", "doc-2.pdf"), names);
        ClientEntity patient = page.getEntities().get(0).getNavigationLink("Patient").asInlineEntity().getEntity();
        assertEquals("Client", patient.getProperty("last_name").getPrimitiveValue().toString());
    }

    @Test
    void followsEveryNextLinkToTheEnd() {
        URI uri = client.newURIBuilder(root()).appendEntitySetSegment("Patients").appendKeySegment("olingo-1")
                .appendNavigationSegment("Documents").orderBy("file_name").build();
        List<String> names = new ArrayList<>();
        int pages = 0;
        while (uri != null) {
            ClientEntitySet page = client.getRetrieveRequestFactory().getEntitySetRequest(uri).execute().getBody();
            page.getEntities().forEach(e -> names.add(e.getProperty("file_name").getPrimitiveValue().toString()));
            uri = page.getNext();
            pages++;
        }
        assertEquals(3, pages);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            expected.add("doc-" + i + ".pdf");
        }
        assertEquals(expected, names);
    }

    @Test
    void downloadsAMediaEntityByteForByte() throws Exception {
        URI list = client.newURIBuilder(root()).appendEntitySetSegment("Documents")
                .filter("file_name eq 'doc-3.pdf'").build();
        ClientEntity document = client.getRetrieveRequestFactory().getEntitySetRequest(list).execute().getBody()
                .getEntities().get(0);
        URI value = client.newURIBuilder(root()).appendEntitySetSegment("Documents")
                .appendKeySegment(document.getProperty("id").getPrimitiveValue().toString()).appendValueSegment()
                .build();
        try (InputStream in = client.getRetrieveRequestFactory().getMediaRequest(value).execute().getBody()) {
            assertArrayEquals(UPLOADED.get(3), in.readAllBytes());
        }
    }

    @Test
    void readsTheAuditTrailWithItsListsOfIds() {
        URI uri = client.newURIBuilder(root()).appendEntitySetSegment("AuditEvents")
                .filter("action eq 'upload' and patient_ids/any(p: p eq 'olingo-1')").orderBy("at desc").top(2)
                .count(true).build();
        ClientEntitySet page = client.getRetrieveRequestFactory().getEntitySetRequest(uri).execute().getBody();
        assertEquals(DOCUMENTS, page.getCount());
        ClientEntity newest = page.getEntities().get(0);
        assertEquals(List.of("olingo-1"), strings(newest, "patient_ids"));
        assertEquals(1, strings(newest, "document_ids").size());
        assertEquals(201, Integer.parseInt(newest.getProperty("status").getPrimitiveValue().toString()));
    }

    private static List<String> strings(ClientEntity entity, String property) {
        List<String> values = new ArrayList<>();
        entity.getProperty(property).getCollectionValue().forEach(v -> values.add(v.asPrimitive().toString()));
        return values;
    }

    @Test
    void createsAndUpdatesAPatient() {
        ClientObjectFactory factory = client.getObjectFactory();
        ClientEntity patient = factory.newEntity(new FullQualifiedName("PatientDocs", "Patient"));
        patient.getProperties().add(factory.newPrimitiveProperty("id",
                factory.newPrimitiveValueBuilder().buildString("olingo-created")));
        patient.getProperties().add(factory.newPrimitiveProperty("last_name",
                factory.newPrimitiveValueBuilder().buildString("Lovelace")));
        URI patients = client.newURIBuilder(root()).appendEntitySetSegment("Patients").build();
        ODataEntityCreateResponse<ClientEntity> created = client.getCUDRequestFactory()
                .getEntityCreateRequest(patients, patient).execute();
        assertEquals(201, created.getStatusCode());
        assertEquals("Lovelace", created.getBody().getProperty("last_name").getPrimitiveValue().toString());

        URI one = client.newURIBuilder(root()).appendEntitySetSegment("Patients").appendKeySegment("olingo-created")
                .build();
        ClientEntity change = factory.newEntity(new FullQualifiedName("PatientDocs", "Patient"));
        change.getProperties().add(factory.newPrimitiveProperty("first_name",
                factory.newPrimitiveValueBuilder().buildString("Ada")));
        assertTrue(client.getCUDRequestFactory().getEntityUpdateRequest(one, UpdateType.PATCH, change).execute()
                .getStatusCode() < 300);
        ClientEntity read = client.getRetrieveRequestFactory().getEntityRequest(one).execute().getBody();
        assertEquals("Ada", read.getProperty("first_name").getPrimitiveValue().toString());
        assertEquals("Lovelace", read.getProperty("last_name").getPrimitiveValue().toString());
        assertTrue(read.getProperty("birth_date").hasNullValue());
    }
}
