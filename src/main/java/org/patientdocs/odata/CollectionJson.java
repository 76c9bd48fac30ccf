package org.patientdocs.odata;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
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
 * serializes every other answer. Property values are converted as Olingo converts them: strings and integers
 * directly, every other type through Olingo's own primitive types. Instances are not reused.
 */
final class CollectionJson implements ODataContent {

    private static final JsonFactory JSON = new JsonFactory();
    private static final EdmPrimitiveType STRING = EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.String);
    private static final Set<EdmPrimitiveType> NUMBERS = Set.of(
            EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.Byte),
            EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.SByte),
            EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.Int16),
            EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.Int32),
            EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.Single),
            EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.Double));
    /** Numbers unless the client asked for IEEE754Compatible=true, which makes them strings. */
    private static final Set<EdmPrimitiveType> WIDE_NUMBERS = Set.of(
            EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.Int64),
            EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.Decimal));
    private static final EdmPrimitiveType BOOLEAN = EdmPrimitiveTypeFactory.getInstance(EdmPrimitiveTypeKind.Boolean);

    private final boolean withMetadata;
    private final boolean wideNumbersAsStrings;
    private final Page page;
    private final List<EdmProperty> properties = new ArrayList<>();

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
                properties.add(type.getStructuralProperty(name));
            }
        }
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
        for (EdmProperty property : properties) {
            json.writeFieldName(property.getName());
            writeValue(property, row.get(property.getName()), json);
        }
        json.writeEndObject();
    }

    private void writeValue(EdmProperty property, Object value, JsonGenerator json)
            throws IOException, EdmPrimitiveTypeException {
        EdmPrimitiveType type = (EdmPrimitiveType) property.getType();
        if (value == null) {
            json.writeNull();
        } else if (type == STRING && value instanceof String text) {
            json.writeString(text);
        } else if (value instanceof Long number && (NUMBERS.contains(type)
                || WIDE_NUMBERS.contains(type) && !wideNumbersAsStrings)) {
            json.writeNumber(number);
        } else {
            String text = type.valueToString(value, property.isNullable(), property.getMaxLength(),
                    property.getPrecision(), property.getScale(), property.isUnicode());
            if (type == BOOLEAN) {
                json.writeBoolean(Boolean.parseBoolean(text));
            } else if (NUMBERS.contains(type) || WIDE_NUMBERS.contains(type) && !wideNumbersAsStrings) {
                json.writeNumber(text);
            } else {
                json.writeString(text);
            }
        }
    }
}
