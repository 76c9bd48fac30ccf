package org.patientdocs.odata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.core.serializer.utils.ContentTypeHelper;
import org.apache.olingo.server.core.serializer.utils.ContextURLBuilder;
import org.patientdocs.query.Aggregation;
import org.patientdocs.query.Row;
import org.patientdocs.query.ValueType;

/**
 * A page of an {@code $apply} or {@code $compute} result as OData JSON: rows of grouped and aggregated values, or
 * entities with computed properties, which Olingo's serializer cannot write (they are no entities of the model). A
 * grouped navigation path nests as it does in an entity ({@code "Patient":{"last_name":"Smith"}}). The
 * {@code @odata.context} names the entity set with the result's values as its select list
 * ({@code $metadata#Documents(Patient(last_name),total)}), as the Data Aggregation Extension's examples do. Numbers
 * follow {@code IEEE754Compatible} as the other answers do.
 */
final class AggregationJson {

    private static final JsonFactory JSON = new JsonFactory();

    private AggregationJson() {
    }

    /** The context URL: the entity set, and the result's values as the select list. */
    static ContextURL context(String serviceRoot, EdmEntitySet set, List<String> names) {
        return ContextURL.with().serviceRoot(URI.create(serviceRoot + "/")).entitySet(set)
                .selectList(selectList(nest(names))).build();
    }

    /** The answer's bytes: a page holds at most the maximum page size of rows. */
    static byte[] write(ContentType format, ContextURL context, Aggregation result, URI next) {
        boolean withMetadata = !ContentTypeHelper.isODataMetadataNone(format);
        boolean numbersAsStrings = ContentTypeHelper.isODataIEEE754Compatible(format);
        Map<String, Object> shape = nest(result.names().subList(0, result.shown()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            if (withMetadata) {
                json.writeStringField("@odata.context", ContextURLBuilder.create(context).toASCIIString());
            }
            if (result.count() != null) {
                if (numbersAsStrings) {
                    json.writeStringField("@odata.count", Long.toString(result.count()));
                } else {
                    json.writeNumberField("@odata.count", result.count());
                }
            }
            json.writeArrayFieldStart("value");
            for (Row row : result.rows()) {
                writeObject(shape, row, result.types(), numbersAsStrings, json);
            }
            json.writeEndArray();
            if (next != null) {
                json.writeStringField("@odata.nextLink", next.toASCIIString());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The names as a tree: a plain name maps to its position in the row, a navigation's name to the tree of the
     * names under it, in the order they first appear.
     */
    private static Map<String, Object> nest(List<String> names) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String[] segments = names.get(i).split("/");
            Map<String, Object> level = tree;
            for (int s = 0; s < segments.length - 1; s++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) level.computeIfAbsent(segments[s],
                        k -> new LinkedHashMap<String, Object>());
                level = next;
            }
            level.put(segments[segments.length - 1], i);
        }
        return tree;
    }

    private static String selectList(Map<String, Object> tree) {
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, Object> entry : tree.entrySet()) {
            if (entry.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> level = (Map<String, Object>) nested;
                items.add(entry.getKey() + "(" + selectList(level) + ")");
            } else {
                items.add(entry.getKey());
            }
        }
        return String.join(",", items);
    }

    private static void writeObject(Map<String, Object> tree, Row row, List<ValueType> types,
                                    boolean numbersAsStrings, JsonGenerator json) throws IOException {
        json.writeStartObject();
        for (Map.Entry<String, Object> entry : tree.entrySet()) {
            json.writeFieldName(entry.getKey());
            if (entry.getValue() instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> level = (Map<String, Object>) nested;
                writeObject(level, row, types, numbersAsStrings, json);
            } else {
                int index = (Integer) entry.getValue();
                writeValue(types.get(index), row.value(index), numbersAsStrings, json);
            }
        }
        json.writeEndObject();
    }

    /** A value of a row that no declared property holds, as the answers of {@code $apply} write them. */
    static void writeValue(ValueType type, Object value, boolean numbersAsStrings, JsonGenerator json)
            throws IOException {
        if (value == null) {
            json.writeNull();
            return;
        }
        switch (type) {
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case INTEGER, DECIMAL -> {
                String number = value instanceof BigDecimal decimal ? plain(decimal) : value.toString();
                if (numbersAsStrings) {
                    json.writeString(number);
                } else {
                    json.writeNumber(number);
                }
            }
            case DOUBLE -> json.writeNumber((Double) value);
            case DATE_TIME_OFFSET -> json.writeString(CollectionJson.utc((Instant) value));
            case DURATION -> json.writeString("PT" + plain((BigDecimal) value) + "S");
            default -> json.writeString(value.toString());
        }
    }

    /** A decimal without trailing zeros or an exponent: {@code 1700.5}, {@code 0}. */
    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
