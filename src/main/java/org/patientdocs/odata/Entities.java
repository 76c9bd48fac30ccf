package org.patientdocs.odata;

import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.Link;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.data.ValueType;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.query.Row;

/** Builds Olingo entities from stored rows and records. */
final class Entities {

    /** The version of a row just inserted (the migrations' insert statements start at 1). */
    private static final long CREATED_VERSION = 1L;
    /** A document's media type, which its Atom entry names. */
    private static final String MEDIA_TYPE_PROPERTY = "content_type";

    /** Where a camel-case record component name has a word boundary: before each capital letter. */
    private static final Pattern SNAKE_CASE_BOUNDARY = Pattern.compile("(?<=[a-z0-9])([A-Z])");

    private Entities() {
    }

    /** The entity a row holds, with every property. */
    static Entity fromRow(OData odata, EdmEntitySet set, Row row) {
        return fromRow(odata, set, row, null);
    }

    /**
     * The entity a row holds, with the given properties only (a row may carry columns read for the service), or
     * with every property when {@code properties} is null.
     */
    static Entity fromRow(OData odata, EdmEntitySet set, Row row, Set<String> properties) {
        Entity entity = new Entity();
        entity.setETag(ETags.of(row.version()));
        for (ColumnMap.Column column : row.table().allColumns()) {
            if (properties == null || properties.contains(column.property())) {
                entity.addProperty(new Property(null, column.property(), column.kind() == ColumnMap.Kind.STRING_LIST
                        ? ValueType.COLLECTION_PRIMITIVE : ValueType.PRIMITIVE, row.get(column)));
            }
        }
        entity.setType(set.getEntityType().getFullQualifiedName().getFullQualifiedNameAsString());
        entity.setId(URI.create(canonicalUrl(odata, set, entity)));
        return entity;
    }

    /**
     * The entity a row holds as an entity reference ({@code $ref}) shows it: its id, from its key; no ETag, which a
     * reference does not carry (OData JSON 4.0 section 14).
     */
    static Entity referenceFromRow(OData odata, EdmEntitySet set, Row row) {
        Entity entity = fromRow(odata, set, row, Set.copyOf(set.getEntityType().getKeyPredicateNames()));
        entity.setETag(null);
        return entity;
    }

    /**
     * The properties plus those an answer in this format needs beyond them: a document's {@code content_type} for
     * Atom, see {@link #describeMediaForXml}. Kept in the entity, it is still written only when selected.
     */
    static Set<String> withMediaProperties(Set<String> properties, ContentType format, EdmEntityType type) {
        if (!isXml(format) || !type.hasStream() || properties.contains(MEDIA_TYPE_PROPERTY)) {
            return properties;
        }
        Set<String> all = new LinkedHashSet<>(properties);
        all.add(MEDIA_TYPE_PROPERTY);
        return all;
    }

    /**
     * Gives each media entity (a document), and every one expanded inside them, the media type that Olingo's XML
     * (Atom) serializer needs for the entity's {@code <content type="…" src="…/$value"/>}: the document's
     * {@code content_type} ({@link #withMediaProperties} has it read for the entities answered; one expanded inside
     * another whose {@code $select} leaves it out says {@code application/octet-stream}). Nothing changes for JSON,
     * where Olingo would add {@code @odata.mediaContentType} to every entity, which the spec's answers do not carry.
     */
    static void describeMediaForXml(ContentType format, Edm edm, Collection<Entity> entities) {
        if (!isXml(format)) {
            return;
        }
        for (Entity entity : entities) {
            EdmEntityType type = edm.getEntityType(new FullQualifiedName(entity.getType()));
            if (type != null && type.hasStream() && entity.getMediaContentType() == null) {
                Property contentType = entity.getProperty(MEDIA_TYPE_PROPERTY);
                entity.setMediaContentType(contentType != null && contentType.getValue() instanceof String text
                        ? text : "application/octet-stream");
            }
            for (Link link : entity.getNavigationLinks()) {
                if (link.getInlineEntity() != null) {
                    describeMediaForXml(format, edm, List.of(link.getInlineEntity()));
                }
                if (link.getInlineEntitySet() != null) {
                    describeMediaForXml(format, edm, link.getInlineEntitySet().getEntities());
                }
            }
        }
    }

    private static boolean isXml(ContentType format) {
        return format.isCompatible(ContentType.APPLICATION_XML)
                || format.isCompatible(ContentType.APPLICATION_ATOM_XML);
    }

    /** The canonical URL of the entity a row holds, relative to the service root. */
    static String canonicalUrl(OData odata, EdmEntitySet set, Row row) {
        Entity keys = new Entity();
        for (String key : set.getEntityType().getKeyPredicateNames()) {
            keys.addProperty(new Property(null, key, ValueType.PRIMITIVE, row.get(key)));
        }
        return canonicalUrl(odata, set, keys);
    }

    /** The entity's canonical URL relative to the service root, e.g. {@code Documents('doc-abc')}. */
    static String canonicalUrl(OData odata, EdmEntitySet set, Entity entity) {
        try {
            return odata.createUriHelper().buildCanonicalURL(set, entity);
        } catch (SerializerException e) {
            throw new IllegalStateException("entity without a key", e);
        }
    }

    /**
     * The row of an entity just created (its first version) from the record the store was given: each record
     * component whose name, in the model's snake case ({@code uploadedById} → {@code uploaded_by_id}), is a property of
     * the table; the others (a document's content digest) are the service's own.
     */
    static Row row(ColumnMap.Table table, Record record) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            String property = SNAKE_CASE_BOUNDARY.matcher(component.getName()).replaceAll("_$1")
                    .toLowerCase(Locale.ROOT);
            if (table.columns().containsKey(property)) {
                try {
                    row.put(property, component.getAccessor().invoke(record));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("a record component cannot be read", e);
                }
            }
        }
        return Row.of(table, row, CREATED_VERSION);
    }
}
