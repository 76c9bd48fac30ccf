package org.patientdocs.odata;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmProperty;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.core.edm.primitivetype.EdmPrimitiveTypeFactory;
import org.apache.olingo.server.api.ODataContent;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.core.serializer.utils.ContentTypeHelper;
import org.apache.olingo.server.core.serializer.utils.ContextURLBuilder;
import org.apache.olingo.server.core.serializer.utils.ExpandSelectHelper;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.ComputedValues;
import org.patientdocs.query.Expanded;
import org.patientdocs.query.Page;
import org.patientdocs.query.Row;

/**
 * A page of rows written as an OData JSON entity collection straight to the response, byte for byte what Olingo's
 * serializer writes for the same entities, without building them: Olingo's entities and its per-value conversions
 * cost more than the database's work on a 1000-row page. A single entity ({@link #entity}) is written the same way,
 * which saves a by-key read about a tenth of its time. It writes the common answers: JSON with minimal or no
 * metadata, the key among the selected properties (so there is no {@code @odata.id}), and at most one level of
 * {@code $expand} without {@code *}, {@code /$count} or a select that leaves out the key; Olingo serializes every
 * other answer. Property values come out as Olingo writes them: strings, integers and instants
 * (in UTC) directly, every other type through Olingo's own primitive types. Instances are not reused.
 */
final class CollectionJson implements ODataContent {

    /**
     * Leaves the JSON unfinished when writing fails midway: closing the open arrays and objects would make a cut-off
     * page look whole. The caller's stream is the caller's to close.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    /** JSON numbers, as Olingo writes them. */
    private static final Set<EdmPrimitiveTypeKind> NUMBERS = EnumSet.of(EdmPrimitiveTypeKind.Byte,
            EdmPrimitiveTypeKind.SByte, EdmPrimitiveTypeKind.Int16, EdmPrimitiveTypeKind.Int32,
            EdmPrimitiveTypeKind.Single, EdmPrimitiveTypeKind.Double);
    /** Olingo's primitive types are singletons; each one's kind, found once rather than per answer. */
    private static final Map<EdmPrimitiveType, EdmPrimitiveTypeKind> KINDS = kinds();
    /** Numbers unless the client asked for IEEE754Compatible=true, which makes them strings. */
    private static final Set<EdmPrimitiveTypeKind> WIDE_NUMBERS = EnumSet.of(EdmPrimitiveTypeKind.Int64,
            EdmPrimitiveTypeKind.Decimal);

    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years {@link #utc} writes with four digits. */
    private static final long FIRST_SECOND = -62_135_596_800L;
    private static final long LAST_SECOND = 253_402_300_799L;
    private static final SerializedString ETAG = new SerializedString("@odata.etag");
    /** The ETags of the first versions, encoded once: most entities are never changed after they are made. */
    private static final SerializedString[] FIRST_ETAGS = LongStream.range(0, 16)
            .mapToObj(version -> new SerializedString(ETags.of(version))).toArray(SerializedString[]::new);
    /** The longest instant {@link #utc(Instant, char[])} writes: {@code -999999999-12-31T23:59:59.999999999Z}. */
    static final int UTC_LENGTH = 36;

    /** How a property's values are written; {@code STRINGS}: a list of strings, as a JSON array. */
    private enum Shape { STRING, NUMBER, BOOLEAN, DATE_TIME_OFFSET, OTHER, STRINGS }

    /**
     * A property to write, with its stored column (where a row holds its value), its name encoded for JSON and the
     * shape of its values worked out once per answer.
     */
    private record Column(EdmProperty property, EdmPrimitiveType type, Shape shape, ColumnMap.Column stored,
                          SerializedString name) {
    }

    /**
     * An expanded navigation with the columns of its entities and the navigations expanded below it; {@code written}
     * counts its entities written so far, which is where the level below finds theirs.
     */
    private record Navigation(Expanded expanded, List<Column> columns, List<Navigation> nested, int[] written) {
    }

    private final boolean withMetadata;
    private final boolean wideNumbersAsStrings;
    private final Answer answer;
    private final Page page;
    private final List<Column> columns;
    /** The expanded navigations in the model's order, which is Olingo's. */
    private final List<Navigation> expanded = new ArrayList<>();
    /** Whether the answer is the page's one entity itself ({@code Patients('1')}), not a collection. */
    private final boolean single;
    /** Where each instant is written before it goes out as a string: a page has one per row. */
    private final char[] instant = new char[UTC_LENGTH];

    /**
     * A collection answer, whoever writes it.
     *
     * @param context   the {@code @odata.context}
     * @param page      the entities, their count ({@code @odata.count}, or none) and their expanded navigations
     * @param next      {@code @odata.nextLink}, or null on the last page
     * @param expansion the expanded navigations' links
     */
    record Answer(ContextURL context, Page page, URI next, Expansion expansion) {
    }

    CollectionJson(ContentType format, EdmEntityType type, Answer answer) {
        this(format, type, answer, false);
    }

    /**
     * The answer of one entity ({@code Patients('1')?$expand=…}), the page's only row, with its expanded
     * navigations: what {@link #computes} leaves to this writer for a single entity.
     */
    static CollectionJson entity(ContentType format, EdmEntityType type, Answer answer) {
        return new CollectionJson(format, type, answer, true);
    }

    private CollectionJson(ContentType format, EdmEntityType type, Answer answer, boolean single) {
        this.single = single;
        this.withMetadata = !ContentTypeHelper.isODataMetadataNone(format);
        this.wideNumbersAsStrings = ContentTypeHelper.isODataIEEE754Compatible(format);
        this.answer = answer;
        this.page = answer.page();
        this.columns = columns(type, page.table(), page.selected());
        expanded.addAll(navigations(type, page.expanded()));
    }

    /** The expanded navigations in the model's order, which is Olingo's, each with the levels below it. */
    private List<Navigation> navigations(EdmEntityType type, List<Expanded> level) {
        List<Navigation> list = new ArrayList<>();
        for (String name : type.getNavigationPropertyNames()) {
            level.stream().filter(n -> n.navigation().name().equals(name)).findFirst().ifPresent(n ->
                    list.add(new Navigation(n, columns(n.set().getEntityType(), n.table(), n.selected()),
                            navigations(n.set().getEntityType(), n.nested()), new int[1])));
        }
        return list;
    }

    private List<Column> columns(EdmEntityType type, ColumnMap.Table table, Set<String> selected) {
        List<Column> list = new ArrayList<>();
        for (String name : type.getPropertyNames()) {
            if (selected.contains(name)) {
                EdmProperty property = type.getStructuralProperty(name);
                EdmPrimitiveType primitive = (EdmPrimitiveType) property.getType();
                list.add(new Column(property, primitive, property.isCollection() ? Shape.STRINGS : shape(primitive),
                        table.column(name), new SerializedString(name)));
            }
        }
        return list;
    }

    private static Map<EdmPrimitiveType, EdmPrimitiveTypeKind> kinds() {
        Map<EdmPrimitiveType, EdmPrimitiveTypeKind> kinds = new IdentityHashMap<>();
        for (EdmPrimitiveTypeKind kind : EdmPrimitiveTypeKind.values()) {
            kinds.putIfAbsent(EdmPrimitiveTypeFactory.getInstance(kind), kind);
        }
        return kinds;
    }

    private Shape shape(EdmPrimitiveType type) {
        EdmPrimitiveTypeKind kind = KINDS.get(type);
        if (kind == null) {
            return Shape.OTHER;
        }
        return switch (kind) {
            case String -> Shape.STRING;
            case Boolean -> Shape.BOOLEAN;
            case DateTimeOffset -> Shape.DATE_TIME_OFFSET;
            default -> NUMBERS.contains(kind) || WIDE_NUMBERS.contains(kind) && !wideNumbersAsStrings
                    ? Shape.NUMBER : Shape.OTHER;
        };
    }

    /**
     * Whether this writer produces the answer: JSON with minimal or no metadata, no {@code $select} that leaves out
     * the key (Olingo then adds {@code @odata.id}), and nothing expanded but navigations of the entity itself,
     * without further expands inside, {@code *}, {@code /$count}, {@code $ref} or {@code $levels}.
     */
    static boolean writes(ContentType format, ExpandOption expand, SelectOption select, EdmEntityType type) {
        if (computes(expand)) {
            return true;
        }
        if (!format.isCompatible(ContentType.APPLICATION_JSON) || ContentTypeHelper.isODataMetadataFull(format)
                || !keySelected(select, type)) {
            return false;
        }
        if (expand == null) {
            return true;
        }
        for (ExpandItem item : expand.getExpandItems()) {
            List<UriResource> parts = item.getResourcePath() == null ? List.of()
                    : item.getResourcePath().getUriResourceParts();
            if (item.isStar() || item.isRef() || item.hasCountPath() || item.getLevelsOption() != null
                    || item.getApplyOption() != null || item.getExpandOption() != null
                    || item.getStartTypeFilter() != null || parts.size() != 1
                    || !(parts.get(0) instanceof UriResourceNavigation navigation)
                    || !keySelected(item.getSelectOption(), navigation.getProperty().getType())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether an item of the {@code $expand}, at any level, computes properties ({@code $compute}, which the parser
     * reads as the item's {@code $apply}): Olingo's serializer writes only declared properties, so this writer writes
     * the answer, in JSON only, as it writes the answers of {@code $apply} ({@link AggregationJson}): its shape for
     * minimal metadata whatever the metadata asked for, and no {@code @odata.id} when the key is not selected. It
     * writes no references and no counts of their own ({@code Documents/$ref}, {@code Documents/$count}) beside them.
     */
    static boolean computes(ExpandOption expand) {
        if (expand == null) {
            return false;
        }
        for (ExpandItem item : expand.getExpandItems()) {
            if (item.getApplyOption() != null || computes(item.getExpandOption())) {
                return true;
            }
        }
        return false;
    }

    /** Refuses what {@link #computes} answers cannot be: not JSON, or with references or counts expanded. */
    static void requireComputable(ContentType format, ExpandOption expand) {
        if (!format.isCompatible(ContentType.APPLICATION_JSON)) {
            throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$compute",
                    "Answers with $compute are given in JSON only");
        }
        requireEntities(expand);
    }

    private static void requireEntities(ExpandOption expand) {
        if (expand == null) {
            return;
        }
        for (ExpandItem item : expand.getExpandItems()) {
            if (item.isRef() || item.hasCountPath()) {
                throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$expand",
                        "$compute inside $expand is supported beside expanded entities, not beside expanded"
                                + " references or counts");
            }
            requireEntities(item.getExpandOption());
        }
    }

    private static boolean keySelected(SelectOption select, EdmEntityType type) {
        return ExpandSelectHelper.isAll(select) || ExpandSelectHelper.getSelectedPropertyNames(select.getSelectItems())
                .containsAll(type.getKeyPredicateNames());
    }

    @Override
    public void write(WritableByteChannel channel) {
        write(Channels.newOutputStream(channel));
    }

    @Override
    public void write(OutputStream out) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            if (withMetadata) {
                json.writeStringField("@odata.context", ContextURLBuilder.create(answer.context()).toASCIIString());
            }
            if (single) {
                writeProperties(page.rows().get(0), columns, page.computed(), json);
                writeNavigations(page.rows().get(0), 0, expanded, json);
                json.writeEndObject();
                return;
            }
            if (page.count() != null) {
                writeCount("@odata.count", page.count(), json);
            }
            json.writeArrayFieldStart("value");
            List<Row> rows = page.rows();
            for (int i = 0; i < rows.size(); i++) {
                json.writeStartObject();
                writeProperties(rows.get(i), columns, page.computed(), json);
                writeNavigations(rows.get(i), i, expanded, json);
                json.writeEndObject();
            }
            json.writeEndArray();
            if (answer.next() != null) {
                json.writeStringField("@odata.nextLink", answer.next().toASCIIString());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("The response could not be written", e);
        } catch (EdmPrimitiveTypeException e) {
            throw new IllegalStateException("A stored value does not fit its property's type", e);
        }
    }

    /** The ETag and the properties, declared and computed: an entity's members up to its navigations. */
    private void writeProperties(Row row, List<Column> columns, ComputedValues computed, JsonGenerator json)
            throws IOException, EdmPrimitiveTypeException {
        if (withMetadata) {
            json.writeFieldName(ETAG);
            long version = row.version();
            if (version >= 0 && version < FIRST_ETAGS.length) {
                json.writeString(FIRST_ETAGS[(int) version]);
            } else {
                json.writeString(ETags.of(version));
            }
        }
        for (Column column : columns) {
            json.writeFieldName(column.name());
            writeValue(column, row.get(column.stored()), json);
        }
        for (int i = 0; i < computed.names().size(); i++) {
            json.writeFieldName(computed.names().get(i));
            AggregationJson.writeValue(computed.types().get(i), computed.value(row, i), wideNumbersAsStrings, json);
        }
    }

    /** The expanded navigations of the {@code index}-th entity of its level. */
    private void writeNavigations(Row row, int index, List<Navigation> navigations, JsonGenerator json)
            throws IOException, EdmPrimitiveTypeException {
        for (Navigation navigation : navigations) {
            writeNavigation(row, navigation, navigation.expanded().inline().get(index), json);
        }
    }

    /** An expanded navigation of one entity: its count, its entities and its next link, as Olingo orders them. */
    private void writeNavigation(Row parent, Navigation navigation, Expanded.Inline inline, JsonGenerator json)
            throws IOException, EdmPrimitiveTypeException {
        Expanded navigated = navigation.expanded();
        String name = navigated.navigation().name();
        if (!navigated.navigation().collection()) {
            json.writeFieldName(name);
            if (inline.rows().isEmpty()) {
                json.writeNull();
            } else {
                writeEntity(inline.rows().get(0), navigation, json);
            }
            return;
        }
        if (navigated.counted()) {
            writeCount(name + "@odata.count", inline.count(), json);
        }
        json.writeArrayFieldStart(name);
        for (Row row : inline.rows()) {
            writeEntity(row, navigation, json);
        }
        json.writeEndArray();
        if (inline.next() != null) {
            json.writeStringField(name + "@odata.nextLink",
                    answer.expansion().nextLink(navigated, parent, inline.next()).toASCIIString());
        }
    }

    /** An expanded entity, with the navigations expanded below it. */
    private void writeEntity(Row row, Navigation navigation, JsonGenerator json)
            throws IOException, EdmPrimitiveTypeException {
        json.writeStartObject();
        writeProperties(row, navigation.columns(), navigation.expanded().computed(), json);
        writeNavigations(row, navigation.written()[0]++, navigation.nested(), json);
        json.writeEndObject();
    }

    private void writeCount(String name, long count, JsonGenerator json) throws IOException {
        if (wideNumbersAsStrings) {
            json.writeStringField(name, Long.toString(count));
        } else {
            json.writeNumberField(name, count);
        }
    }

    private void writeValue(Column column, Object value, JsonGenerator json)
            throws IOException, EdmPrimitiveTypeException {
        if (value == null && column.shape() == Shape.STRINGS) {
            // a collection is never null in OData: Olingo writes none as an empty one
            json.writeStartArray();
            json.writeEndArray();
            return;
        }
        if (value == null) {
            json.writeNull();
            return;
        }
        switch (column.shape()) {
            case STRING -> json.writeString(value instanceof String text ? text : convert(column, value));
            case NUMBER -> {
                if (value instanceof Long number) {
                    json.writeNumber(number);
                } else {
                    json.writeNumber(convert(column, value));
                }
            }
            case BOOLEAN -> json.writeBoolean(Boolean.parseBoolean(convert(column, value)));
            case DATE_TIME_OFFSET -> {
                if (value instanceof Instant at && at.getEpochSecond() >= FIRST_SECOND
                        && at.getEpochSecond() <= LAST_SECOND) {
                    json.writeString(instant, 0, utc(at, instant));
                } else {
                    json.writeString(convert(column, value));
                }
            }
            case OTHER -> json.writeString(convert(column, value));
            case STRINGS -> {
                json.writeStartArray();
                for (Object text : (List<?>) value) {
                    json.writeString((String) text);
                }
                json.writeEndArray();
            }
        }
    }

    /** The value as Olingo's primitive type writes it. */
    private static String convert(Column column, Object value) throws EdmPrimitiveTypeException {
        EdmProperty property = column.property();
        return column.type().valueToString(value, property.isNullable(), property.getMaxLength(),
                property.getPrecision(), property.getScale(), property.isUnicode());
    }

    /**
     * Writes an instant as Olingo's Edm.DateTimeOffset writes one held as an Instant into {@code text}, and returns its
     * length: in UTC, seconds always, the fraction without trailing zeros and only when not zero, then {@code Z}
     * ({@code 2026-02-21T14:30:00.12Z}). No string is built, since a page writes one per row.
     *
     * @param text at least {@link #UTC_LENGTH} characters
     */
    static int utc(Instant instant, char[] text) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        int at = 0;
        int year = time.getYear();
        if (year < 0) {
            text[at++] = '-';
            year = -year;
        }
        at = digits(text, at, year, year <= 9999 ? 4 : Integer.toString(year).length());
        text[at++] = '-';
        at = digits(text, at, time.getMonthValue(), 2);
        text[at++] = '-';
        at = digits(text, at, time.getDayOfMonth(), 2);
        text[at++] = 'T';
        at = digits(text, at, time.getHour(), 2);
        text[at++] = ':';
        at = digits(text, at, time.getMinute(), 2);
        text[at++] = ':';
        at = digits(text, at, time.getSecond(), 2);
        int nanos = time.getNano();
        if (nanos > 0) {
            int length = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                length--;
            }
            text[at++] = '.';
            at = digits(text, at, nanos, length);
        }
        text[at++] = 'Z';
        return at;
    }

    /** The instant as {@link #utc(Instant, char[])} writes it, for a single value. */
    static String utc(Instant instant) {
        char[] text = new char[UTC_LENGTH];
        return new String(text, 0, utc(instant, text));
    }

    /** Writes a non-negative value of at most {@code width} digits at {@code at}, zero-padded; returns its end. */
    private static int digits(char[] text, int at, int value, int width) {
        int end = at + width;
        for (int i = end - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return end;
    }
}
