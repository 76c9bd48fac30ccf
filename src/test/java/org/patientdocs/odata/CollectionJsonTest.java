package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.EntityCollection;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.core.edm.primitivetype.EdmPrimitiveTypeFactory;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.serializer.EntityCollectionSerializerOptions;
import org.apache.olingo.server.api.serializer.EntitySerializerOptions;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.core.serializer.utils.ExpandSelectHelper;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.apache.olingo.server.core.uri.queryoption.CountOptionImpl;
import org.junit.jupiter.api.Test;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.ComputedValues;
import org.patientdocs.query.Expanded;
import org.patientdocs.query.Page;
import org.patientdocs.query.Row;

/** The direct writer against Olingo's serializer: the same entities must come out byte for byte the same. */
class CollectionJsonTest {

    private static final OData ODATA = OData.newInstance();
    private static final ServiceMetadata METADATA = EdmLoader.load();
    private static final EdmEntitySet DOCUMENTS = METADATA.getEdm().getEntityContainer().getEntitySet("Documents");
    private static final EdmEntitySet PATIENTS = METADATA.getEdm().getEntityContainer().getEntitySet("Patients");
    private static final EdmEntitySet AUDIT_EVENTS =
            METADATA.getEdm().getEntityContainer().getEntitySet("AuditEvents");
    private static final ColumnMap COLUMNS = ColumnMap.fromEdm(METADATA.getEdm(), EdmLoader.NAMESPACE, Model.TABLES);
    private static final List<ContentType> FORMATS = List.of(
            ContentType.JSON,
            ContentType.JSON_NO_METADATA,
            ContentType.create(ContentType.JSON, ContentType.PARAMETER_IEEE754_COMPATIBLE, "true"),
            ContentType.create(ContentType.JSON_NO_METADATA, ContentType.PARAMETER_IEEE754_COMPATIBLE, "true"),
            ContentType.APPLICATION_JSON);

    /** The selects every document test writes its rows with. */
    private static final List<String> DOCUMENT_SELECTS = List.of("", "$select=id,file_name,file_size_bytes,uploaded_at",
            "$select=*", "$select=description,id");

    @Test
    void documentsComeOutAsOlingoWritesThem() throws Exception {
        for (String query : DOCUMENT_SELECTS) {
            for (ContentType format : FORMATS) {
                for (Long count : new Long[] {null, 0L, 42L}) {
                    for (URI next : new URI[] {null, URI.create("http://h/Documents?$skiptoken=abc%2B")}) {
                        assertSame(DOCUMENTS, query, format, documents(), count, next);
                    }
                }
            }
        }
    }

    @Test
    void instantsAreWrittenAsOlingoWritesThem() throws Exception {
        EdmPrimitiveType olingo = EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.DateTimeOffset);
        Random random = new Random(7);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("2026-02-21T14:30:00.100Z"),
                Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(-1, 999_000_000)));
        for (int i = 0; i < 10_000; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_800L),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000) / (int) Math.pow(10, random.nextInt(9))));
        }
        char[] text = new char[CollectionJson.UTC_LENGTH];
        for (Instant instant : instants) {
            assertEquals(olingo.valueToString(instant, false, null, 3, null, null),
                    new String(text, 0, CollectionJson.utc(instant, text)));
        }
    }

    @Test
    void computedInstantsBeyondFourDigitYearsKeepEveryDigit() {
        // a $compute or $apply result may leave years 1 to 9999, which the property values never do
        assertEquals("10000-01-01T00:00:00.5Z", CollectionJson.utc(Instant.parse("+10000-01-01T00:00:00.5Z")));
        assertEquals("-0001-12-31T23:59:59Z", CollectionJson.utc(Instant.parse("-0001-12-31T23:59:59Z")));
        assertEquals("-999999999-12-31T23:59:59.999999999Z",
                CollectionJson.utc(LocalDateTime.MIN.withMonth(12).withDayOfMonth(31).with(LocalTime.MAX)
                        .toInstant(ZoneOffset.UTC)));
    }

    @Test
    void patientsComeOutAsOlingoWritesThem() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("id", "12345");
        properties.put("first_name", "Ann");
        properties.put("last_name", "O'Neil");
        properties.put("birth_date", LocalDate.of(1961, 2, 28));
        Row full = Row.of(table(PATIENTS), properties, 3L);
        Row sparse = Row.of(table(PATIENTS), Map.of("id", "p.2"), 1L);
        for (ContentType format : FORMATS) {
            assertSame(PATIENTS, "", format, List.of(full, sparse), 2L, null);
            assertSame(PATIENTS, "$select=birth_date,id", format, List.of(full, sparse), null, null);
            assertSame(PATIENTS, "", format, List.of(), 0L, null);
        }
    }

    @Test
    void auditEventsWithTheirListsComeOutAsOlingoWritesThem() throws Exception {
        Row list = auditEvent(7L, "list", List.of("12345", "p.2"), List.of("doc-AAAAAAAAAAAAAAAAAAAAAA", "d\"é"), 3L);
        Row empty = auditEvent(8L, "list", List.of(), List.of(), 0L);
        Row tooMany = auditEvent(Long.MAX_VALUE, "denied", null, null, null);
        for (String query : List.of("", "$select=id,patient_ids", "$select=document_ids,id,status")) {
            for (ContentType format : FORMATS) {
                assertSame(AUDIT_EVENTS, query, format, List.of(list, empty, tooMany), 3L, null);
            }
        }
    }

    @Test
    void expandedCollectionsComeOutAsOlingoWritesThem() throws Exception {
        List<Row> patients = List.of(patient("12345", "Ann"), patient("p.2", null),
                patient("p.3", "Bo"));
        Instant at = Instant.parse("2026-02-21T14:30:00.123Z");
        List<Expanded.Inline> documents = List.of(
                new Expanded.Inline(List.of(document("doc-AAAAAAAAAAAAAAAAAAAAAA", "Referral", "x", at, 1),
                        document("doc-BBBBBBBBBBBBBBBBBBBBBB", null, null, at, 2)), 5L,
                        new Expanded.Continuation(2, null)),
                new Expanded.Inline(List.of(), 0L, null),
                new Expanded.Inline(List.of(document("doc-CCCCCCCCCCCCCCCCCCCCCC", "Lab", "é \"q\"", at, 3)), 1L,
                        null));
        for (String query : List.of("$expand=Documents", "$expand=Documents($count=true)",
                "$expand=Documents($select=id,file_name;$count=true)", "$select=id,last_name&$expand=Documents")) {
            for (ContentType format : FORMATS) {
                assertExpandedSame(PATIENTS, "Documents", query, format, patients, documents);
            }
        }
        assertTrue(assertExpandedSame(PATIENTS, "Documents", "$expand=Documents($count=true)", ContentType.JSON,
                patients, documents).contains("\"Documents@odata.nextLink\":"
                + "\"http://h/Patients('12345')/Documents?$count=true&$skip=2\""), "the expand's options continue");
    }

    @Test
    void expandedSingleEntitiesComeOutAsOlingoWritesThem() throws Exception {
        Instant at = Instant.parse("2026-02-21T14:30:00Z");
        List<Row> documents = List.of(document("doc-AAAAAAAAAAAAAAAAAAAAAA", "Referral", "x", at, 1),
                document("doc-BBBBBBBBBBBBBBBBBBBBBB", null, null, at, 2));
        List<Expanded.Inline> patient = List.of(new Expanded.Inline(List.of(patient("12345", "Ann")), null, null),
                new Expanded.Inline(List.of(), null, null));
        for (String query : List.of("$expand=Patient", "$expand=Patient($select=id,birth_date)")) {
            for (ContentType format : FORMATS) {
                assertExpandedSame(DOCUMENTS, "Patient", query, format, documents, patient);
            }
        }
    }

    @Test
    void singleEntitiesComeOutAsOlingoWritesThem() throws Exception {
        List<Row> documents = documents();
        for (String query : DOCUMENT_SELECTS) {
            for (ContentType format : FORMATS) {
                for (Row document : documents) {
                    assertEntitySame(DOCUMENTS, null, query, format, document, null);
                }
            }
        }
        Instant at = Instant.parse("2026-02-21T14:30:00.123Z");
        Expanded.Inline twoOfFive = new Expanded.Inline(List.of(documents.get(0), documents.get(1)), 5L,
                new Expanded.Continuation(2, null));
        for (ContentType format : FORMATS) {
            assertEntitySame(PATIENTS, null, "", format, patient("12345", "Ann"), null);
            assertEntitySame(PATIENTS, null, "$select=birth_date,id", format, patient("p.2", null), null);
            for (String query : List.of("$expand=Documents", "$expand=Documents($select=id,file_name;$count=true)",
                    "$select=id,last_name&$expand=Documents($count=true)")) {
                assertEntitySame(PATIENTS, "Documents", query, format, patient("12345", "Ann"), twoOfFive);
                assertEntitySame(PATIENTS, "Documents", query, format, patient("p.3", "Bo"),
                        new Expanded.Inline(List.of(), 0L, null));
            }
            for (String query : List.of("$expand=Patient", "$expand=Patient($select=id,birth_date)")) {
                assertEntitySame(DOCUMENTS, "Patient", query, format, document("doc-DDDDDDDDDDDDDDDDDDDDDD", "x", "y",
                        at, 2), new Expanded.Inline(List.of(patient("12345", "Ann")), null, null));
                assertEntitySame(DOCUMENTS, "Patient", query, format, documents.get(1),
                        new Expanded.Inline(List.of(), null, null));
            }
        }
    }

    @Test
    void aFailureMidwayLeavesThePageUnfinished() {
        Map<String, Object> properties = documentProperties("doc-BBBBBBBBBBBBBBBBBBBBBB", "x", "y", Instant.EPOCH, 2);
        properties.put("uploaded_at", "not an instant");
        Row broken = Row.of(table(DOCUMENTS), properties, 2);
        ContextURL context = ContextURL.with().serviceRoot(URI.create("http://h/")).entitySet(DOCUMENTS).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Page rows = new Page(table(DOCUMENTS), Set.copyOf(DOCUMENTS.getEntityType().getPropertyNames()),
                List.of(document("doc-AAAAAAAAAAAAAAAAAAAAAA", "x", "y", Instant.EPOCH, 1), broken), null, null,
                List.of());
        CollectionJson page = new CollectionJson(ContentType.JSON, DOCUMENTS.getEntityType(),
                new CollectionJson.Answer(context, rows, null, expansion(DOCUMENTS, List.of(), null)));
        assertThrows(IllegalStateException.class, () -> page.write(out));
        String written = out.toString(StandardCharsets.UTF_8);
        assertTrue(written.contains("doc-AAAAAAAAAAAAAAAAAAAAAA"), written);
        assertFalse(written.endsWith("]}"), "a cut-off page must not look whole: " + written);
    }

    @Test
    void olingoKeepsWhatThisWriterDoesNot() {
        assertTrue(CollectionJson.writes(ContentType.JSON, null, null, DOCUMENTS.getEntityType()));
        assertFalse(CollectionJson.writes(ContentType.JSON_FULL_METADATA, null, null, DOCUMENTS.getEntityType()));
        assertFalse(CollectionJson.writes(ContentType.APPLICATION_XML, null, null, DOCUMENTS.getEntityType()));
        for (String expand : List.of("*", "Patient/$count", "Patient($expand=Documents)", "Patient($select=last_name)",
                "Patient/$ref")) {
            assertFalse(CollectionJson.writes(ContentType.JSON, parse(DOCUMENTS, "$expand=" + expand).getExpandOption(),
                    null, DOCUMENTS.getEntityType()), expand);
        }
        UriInfo withoutKey = parse(DOCUMENTS, "$select=file_name");
        assertFalse(CollectionJson.writes(ContentType.JSON, null, withoutKey.getSelectOption(),
                DOCUMENTS.getEntityType()), "Olingo writes @odata.id when the key is not selected");
    }

    private static void assertSame(EdmEntitySet set, String query, ContentType format,
                                   List<Row> rows, Long count, URI next) throws Exception {
        UriInfo uri = parse(set, query);
        ContextURL context = ContextURL.with().serviceRoot(URI.create("http://h/")).entitySet(set)
                .selectList(ODATA.createUriHelper().buildContextURLSelectList(set.getEntityType(), null,
                        uri.getSelectOption()))
                .build();
        Set<String> selected = selected(set, uri);
        assertTrue(CollectionJson.writes(format, null, uri.getSelectOption(), set.getEntityType()));

        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        Page page = new Page(table(set), selected, rows, count, null, List.of());
        new CollectionJson(format, set.getEntityType(), new CollectionJson.Answer(context, page, next,
                expansion(set, List.of(), null))).write(Channels.newChannel(direct));

        EntityCollection collection = new EntityCollection();
        for (Row row : rows) {
            collection.getEntities().add(Entities.fromRow(ODATA, set, row, selected));
        }
        if (count != null) {
            collection.setCount(count.intValue());
        }
        collection.setNext(next);
        EntityCollectionSerializerOptions options = EntityCollectionSerializerOptions.with().id("http://h/x")
                .contextURL(context).select(uri.getSelectOption())
                .count(count == null ? null : new CountOptionImpl().setValue(true)).build();
        try (InputStream olingo = ODATA.createSerializer(format)
                .entityCollection(METADATA, set.getEntityType(), collection, options).getContent()) {
            assertEquals(new String(olingo.readAllBytes(), StandardCharsets.UTF_8),
                    direct.toString(StandardCharsets.UTF_8), set.getName() + "?" + query + " as " + format);
        }
    }

    /**
     * Both writers over parents with one expanded navigation, whose rows per parent are given; the expand's own
     * options (its select and count) come from the query. Answers what they wrote.
     */
    private static String assertExpandedSame(EdmEntitySet set, String navigationName, String query,
                                             ContentType format, List<Row> parents, List<Expanded.Inline> inline)
            throws Exception {
        UriInfo uri = parse(set, query);
        ExpandItem item = uri.getExpandOption().getExpandItems().get(0);
        EdmEntitySet targetSet = (EdmEntitySet) set.getRelatedBindingTarget(navigationName);
        Expanded navigated = new Expanded(table(set).navigation(navigationName), targetSet, table(targetSet), item,
                selected(targetSet, item.getSelectOption()), ComputedValues.NONE,
                item.getCountOption() != null && item.getCountOption().getValue(), inline, List.of());
        Expansion expansion = expansion(set, List.of(navigated), uri.getExpandOption().getText());
        ContextURL context = ContextURL.with().serviceRoot(URI.create("http://h/")).entitySet(set)
                .selectList(ODATA.createUriHelper().buildContextURLSelectList(set.getEntityType(), null,
                        uri.getSelectOption()))
                .build();
        Set<String> selected = selected(set, uri.getSelectOption());
        assertTrue(CollectionJson.writes(format, uri.getExpandOption(), uri.getSelectOption(), set.getEntityType()));

        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        Page page = new Page(table(set), selected, parents, null, null, List.of(navigated));
        new CollectionJson(format, set.getEntityType(), new CollectionJson.Answer(context, page, null, expansion))
                .write(direct);

        EntityCollection collection = new EntityCollection();
        for (Row row : parents) {
            collection.getEntities().add(Entities.fromRow(ODATA, set, row, selected));
        }
        expansion.attach(collection.getEntities());
        EntityCollectionSerializerOptions options = EntityCollectionSerializerOptions.with().id("http://h/x")
                .contextURL(context).select(uri.getSelectOption()).expand(uri.getExpandOption()).build();
        try (InputStream olingo = ODATA.createSerializer(format)
                .entityCollection(METADATA, set.getEntityType(), collection, options).getContent()) {
            assertEquals(new String(olingo.readAllBytes(), StandardCharsets.UTF_8),
                    direct.toString(StandardCharsets.UTF_8), set.getName() + "?" + query + " as " + format);
        }
        return direct.toString(StandardCharsets.UTF_8);
    }

    /**
     * Both writers over one entity ({@code Documents('…')}), with one expanded navigation whose rows are given when
     * {@code navigationName} is not null.
     */
    private static void assertEntitySame(EdmEntitySet set, String navigationName, String query, ContentType format,
                                         Row row, Expanded.Inline inline) throws Exception {
        UriInfo uri = parse(set, query);
        List<Expanded> expanded = List.of();
        if (navigationName != null) {
            ExpandItem item = uri.getExpandOption().getExpandItems().get(0);
            EdmEntitySet targetSet = (EdmEntitySet) set.getRelatedBindingTarget(navigationName);
            expanded = List.of(new Expanded(table(set).navigation(navigationName), targetSet, table(targetSet), item,
                    selected(targetSet, item.getSelectOption()), ComputedValues.NONE,
                    item.getCountOption() != null && item.getCountOption().getValue(), List.of(inline), List.of()));
        }
        Expansion expansion = expansion(set, expanded, uri.getExpandOption() == null ? null
                : uri.getExpandOption().getText());
        ContextURL context = ContextURL.with().serviceRoot(URI.create("http://h/")).entitySet(set)
                .selectList(ODATA.createUriHelper().buildContextURLSelectList(set.getEntityType(), null,
                        uri.getSelectOption()))
                .suffix(ContextURL.Suffix.ENTITY).build();
        Set<String> selected = selected(set, uri.getSelectOption());
        assertTrue(CollectionJson.writes(format, uri.getExpandOption(), uri.getSelectOption(), set.getEntityType()));

        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        Page page = new Page(table(set), selected, List.of(row), null, null, expanded);
        CollectionJson.entity(format, set.getEntityType(), new CollectionJson.Answer(context, page, null, expansion))
                .write(direct);

        Entity entity = Entities.fromRow(ODATA, set, row, selected);
        expansion.attach(List.of(entity));
        EntitySerializerOptions options = EntitySerializerOptions.with().contextURL(context)
                .select(uri.getSelectOption()).expand(uri.getExpandOption()).build();
        try (InputStream olingo = ODATA.createSerializer(format)
                .entity(METADATA, set.getEntityType(), entity, options).getContent()) {
            assertEquals(new String(olingo.readAllBytes(), StandardCharsets.UTF_8),
                    direct.toString(StandardCharsets.UTF_8), set.getName() + "('…')?" + query + " as " + format);
        }
    }

    /** The links of expanded navigations of a request to {@code http://h/}. */
    private static Expansion expansion(EdmEntitySet set, List<Expanded> expanded, String text) {
        ODataRequest request = new ODataRequest();
        request.setRawBaseUri("http://h");
        return new Expansion(ODATA, request, List.of(), set, expanded, text);
    }

    private static Set<String> selected(EdmEntitySet set, UriInfo uri) {
        return selected(set, uri.getSelectOption());
    }

    private static Set<String> selected(EdmEntitySet set, SelectOption select) {
        Set<String> selected = new LinkedHashSet<>(set.getEntityType().getKeyPredicateNames());
        if (ExpandSelectHelper.isAll(select)) {
            selected.addAll(set.getEntityType().getPropertyNames());
        } else {
            selected.addAll(ExpandSelectHelper.getSelectedPropertyNames(select.getSelectItems()));
        }
        return selected;
    }

    private static ColumnMap.Table table(EdmEntitySet set) {
        return COLUMNS.table(set.getEntityType());
    }

    private static Row patient(String id, String name) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("first_name", name);
        row.put("last_name", name == null ? null : name + "son");
        row.put("birth_date", name == null ? null : LocalDate.of(1970, 1, 1));
        return Row.of(table(PATIENTS), row, 4L);
    }

    private static Row auditEvent(long id, String action, List<String> patients, List<String> documents, Long count) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("at", Instant.parse("2026-02-21T14:30:00.123456Z"));
        row.put("subject", "user-456");
        row.put("api_key_id", "0123456789abcdef");
        row.put("action", action);
        row.put("resource", "Patients('12345')/Documents");
        row.put("query", action.equals("list") ? "$filter=document_type%20eq%20'Referral'" : null);
        row.put("patient_ids", patients);
        row.put("document_ids", documents);
        row.put("entity_count", count);
        row.put("status", 200);
        row.put("request_id", "00ff00ff00ff00ff");
        row.put("client_address", "127.0.0.1");
        row.put("chain", "ab".repeat(32));
        return Row.of(table(AUDIT_EVENTS), row, id);
    }

    /** Documents with every kind of value the writers must agree on: nulls, escapes, empty strings, odd instants. */
    private static List<Row> documents() {
        return List.of(
                document("doc-AAAAAAAAAAAAAAAAAAAAAA", "Referral", "plain", Instant.parse("2026-02-21T14:30:00Z"), 1),
                document("doc-BBBBBBBBBBBBBBBBBBBBBB", null, null, Instant.parse("2026-02-21T14:30:00.120Z"), 7),
                document("doc-CCCCCCCCCCCCCCCCCCCCCC", "Lab \"result\"", "é ü 中文 😀 </script> \\ \u0001 \t\n",
                        Instant.parse("1999-12-31T23:59:59.999Z"), Long.MAX_VALUE),
                document("doc-DDDDDDDDDDDDDDDDDDDDDD", "", "", Instant.parse("+10000-01-01T00:00:00.5Z"), 2),
                document("doc-EEEEEEEEEEEEEEEEEEEEEE", "x", "y", Instant.parse("-0001-12-31T23:59:59Z"), 3));
    }

    private static Row document(String id, String type, String description, Instant uploadedAt, long version) {
        return Row.of(table(DOCUMENTS), documentProperties(id, type, description, uploadedAt, version), version);
    }

    private static Map<String, Object> documentProperties(String id, String type, String description,
                                                          Instant uploadedAt, long version) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("patient_id", "12345");
        row.put("file_name", "scan 01.pdf");
        row.put("content_type", "application/pdf");
        row.put("file_size_bytes", version == Long.MAX_VALUE ? Long.MAX_VALUE : 1024L * version);
        row.put("document_type", type);
        row.put("description", description);
        row.put("uploaded_by_id", "user-1");
        row.put("uploaded_at", uploadedAt);
        return row;
    }

    private static UriInfo parse(EdmEntitySet set, String query) {
        try {
            return new Parser(METADATA.getEdm(), ODATA).parseUri(set.getName(), query.isEmpty() ? null : query, null,
                    "http://h/");
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
