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
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmProperty;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.core.edm.primitivetype.EdmPrimitiveTypeFactory;
import org.apache.olingo.server.api.ODataContent;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.core.serializer.utils.ContentTypeHelper;
import org.apache.olingo.server.core.serializer.utils.ContextURLBuilder;
import org.apache.olingo.server.core.serializer.utils.ExpandSelectHelper;
import org.patientdocs.query.ColumnMap;

/**
 * A page of rows written as an OData JSON entity collection straight to the response, byte for byte what Olingo's
 * serializer writes for the same entities, without building them: Olingo's entities and its per-value conversions
 * cost more than the database's work on a 1000-row page. It writes the common answers, JSON with minimal or no
 * metadata, without {@code $expand}, with the key among the properties (so there is no {@code @odata.id}); Olingo
 * serializes every other answer. Property values come out as Olingo writes them: strings, integers and instants
 * (in UTC) directly, every other type through Olingo's own primitive types. Instances are not reused.
 */
final class CollectionJson implements ODataContent {

    private static final JsonFactory JSON = new JsonFactory();
    /** JSON numbers, as Olingo writes them. */
    private static final Set<EdmPrimitiveTypeKind> NUMBERS = EnumSet.of(EdmPrimitiveTypeKind.Byte,
            EdmPrimitiveTypeKind.SByte, EdmPrimitiveTypeKind.Int16, EdmPrimitiveTypeKind.Int32,
            EdmPrimitiveTypeKind.Single, EdmPrimitiveTypeKind.Double);
    /** Numbers unless the client asked for IEEE754Compatible=true, which makes them strings. */
    private static final Set<EdmPrimitiveTypeKind> WIDE_NUMBERS = EnumSet.of(EdmPrimitiveTypeKind.Int64,
            EdmPrimitiveTypeKind.Decimal);

    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years {@link #utc} writes with four digits. */
    private static final long FIRST_SECOND = -62_135_596_800L;
    private static final long LAST_SECOND = 253_402_300_799L;

    /** How a property's values are written. */
    private enum Shape { STRING, NUMBER, BOOLEAN, DATE_TIME_OFFSET, OTHER }

    /** A property to write, with the shape of its values worked out once per answer. */
    private record Column(EdmProperty property, EdmPrimitiveType type, Shape shape) {
    }

    private final boolean withMetadata;
    private final boolean wideNumbersAsStrings;
    private final Page page;
    private final List<Column> columns = new ArrayList<>();

    /**
     * A page of a collection answer, whoever writes it.
     *
     * @param context  the {@code @odata.context}
     * @param selected the properties to write, the key among them
     * @param rows     the entities' rows: their properties, {@link ColumnMap#VERSION} and columns for the service
     * @param count    {@code @odata.count}, or null for none
     * @param next     {@code @odata.nextLink}, or null on the last page
     */
    record Page(ContextURL context, Set<String> selected, List<Map<String, Object>> rows, Long count, URI next) {
    }

    CollectionJson(ContentType format, EdmEntityType type, Page page) {
        this.withMetadata = !ContentTypeHelper.isODataMetadataNone(format);
        this.wideNumbersAsStrings = ContentTypeHelper.isODataIEEE754Compatible(format);
        this.page = page;
        for (String name : type.getPropertyNames()) {
            if (page.selected().contains(name)) {
                EdmProperty property = type.getStructuralProperty(name);
                EdmPrimitiveType primitive = (EdmPrimitiveType) property.getType();
                columns.add(new Column(property, primitive, shape(primitive)));
            }
        }
    }

    private Shape shape(EdmPrimitiveType type) {
        for (EdmPrimitiveTypeKind kind : EdmPrimitiveTypeKind.values()) {
            if (type == EdmPrimitiveTypeFactory.getInstance(kind)) {
                return switch (kind) {
                    case String -> Shape.STRING;
                    case Boolean -> Shape.BOOLEAN;
                    case DateTimeOffset -> Shape.DATE_TIME_OFFSET;
                    default -> NUMBERS.contains(kind) || WIDE_NUMBERS.contains(kind) && !wideNumbersAsStrings
                            ? Shape.NUMBER : Shape.OTHER;
                };
            }
        }
        return Shape.OTHER;
    }

    /**
     * Whether this writer produces the answer: JSON with minimal or no metadata, nothing expanded, and no
     * {@code $select} that leaves out the key (Olingo then adds {@code @odata.id}).
     */
    static boolean writes(ContentType format, ExpandOption expand, SelectOption select, EdmEntityType type) {
        return format.isCompatible(ContentType.APPLICATION_JSON) && !ContentTypeHelper.isODataMetadataFull(format)
                && expand == null && (ExpandSelectHelper.isAll(select)
                || ExpandSelectHelper.getSelectedPropertyNames(select.getSelectItems())
                        .containsAll(type.getKeyPredicateNames()));
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
                json.writeStringField("@odata.context", ContextURLBuilder.create(page.context()).toASCIIString());
            }
            Long count = page.count();
            if (count != null) {
                if (wideNumbersAsStrings) {
                    json.writeStringField("@odata.count", count.toString());
                } else {
                    json.writeNumberField("@odata.count", count);
                }
            }
            json.writeArrayFieldStart("value");
            for (Map<String, Object> row : page.rows()) {
                writeEntity(row, json);
            }
            json.writeEndArray();
            if (page.next() != null) {
                json.writeStringField("@odata.nextLink", page.next().toASCIIString());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("The response could not be written", e);
        } catch (EdmPrimitiveTypeException e) {
            throw new IllegalStateException("A stored value does not fit its property's type", e);
        }
    }

    private void writeEntity(Map<String, Object> row, JsonGenerator json) throws IOException, EdmPrimitiveTypeException {
        json.writeStartObject();
        Object version = row.get(ColumnMap.VERSION);
        if (withMetadata && version != null) {
            json.writeStringField("@odata.etag", ETags.of((Long) version));
        }
        for (Column column : columns) {
            json.writeFieldName(column.property().getName());
            writeValue(column, row.get(column.property().getName()), json);
        }
        json.writeEndObject();
    }

    private static void writeValue(Column column, Object value, JsonGenerator json)
            throws IOException, EdmPrimitiveTypeException {
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
            case DATE_TIME_OFFSET -> json.writeString(value instanceof Instant instant && instant.getEpochSecond()
                    >= FIRST_SECOND && instant.getEpochSecond() <= LAST_SECOND ? utc(instant) : convert(column, value));
            case OTHER -> json.writeString(convert(column, value));
        }
    }

    /** The value as Olingo's primitive type writes it. */
    private static String convert(Column column, Object value) throws EdmPrimitiveTypeException {
        EdmProperty property = column.property();
        return column.type().valueToString(value, property.isNullable(), property.getMaxLength(),
                property.getPrecision(), property.getScale(), property.isUnicode());
    }

    /**
     * An instant as Olingo's Edm.DateTimeOffset writes one held as an Instant: in UTC, seconds always, the fraction
     * without trailing zeros and only when not zero, then {@code Z}: {@code 2026-02-21T14:30:00.12Z}.
     */
    static String utc(Instant instant) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(30);
        digits(text, time.getYear(), 4).append('-');
        digits(text, time.getMonthValue(), 2).append('-');
        digits(text, time.getDayOfMonth(), 2).append('T');
        digits(text, time.getHour(), 2).append(':');
        digits(text, time.getMinute(), 2).append(':');
        digits(text, time.getSecond(), 2);
        int nanos = time.getNano();
        if (nanos > 0) {
            int length = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                length--;
            }
            digits(text.append('.'), nanos, length);
        }
        return text.append('Z').toString();
    }

    private static StringBuilder digits(StringBuilder text, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(digits);
    }
}
