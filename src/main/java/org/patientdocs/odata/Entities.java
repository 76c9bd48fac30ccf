package org.patientdocs.odata;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.data.ValueType;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.serializer.SerializerException;
import org.patientdocs.query.ColumnMap;
import org.patientdocs.storage.DocumentRecord;
import org.patientdocs.storage.PatientRecord;

/** Builds Olingo entities from stored rows and records. */
final class Entities {

    /** The version of a row just inserted (the migrations' insert statements start at 1). */
    private static final long CREATED_VERSION = 1L;

    private Entities() {
    }

    static Entity fromRow(OData odata, EdmEntitySet set, Map<String, Object> row) {
        Entity entity = new Entity();
        row.forEach((name, value) -> {
            if (name.equals(ColumnMap.VERSION)) {
                entity.setETag(ETags.of((Long) value));
            } else {
                entity.addProperty(new Property(null, name, ValueType.PRIMITIVE, value));
            }
        });
        entity.setType(set.getEntityType().getFullQualifiedName().getFullQualifiedNameAsString());
        entity.setId(URI.create(canonicalUrl(odata, set, entity)));
        return entity;
    }

    /** The row reduced to the given properties, in the row's order (a row may carry columns read for the service). */
    static Map<String, Object> only(Map<String, Object> row, Set<String> properties) {
        Map<String, Object> kept = new LinkedHashMap<>();
        row.forEach((name, value) -> {
            if (properties.contains(name) || name.equals(ColumnMap.VERSION)) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    /** The canonical URL of the entity a row holds, relative to the service root. */
    static String canonicalUrl(OData odata, EdmEntitySet set, Map<String, Object> row) {
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

    static Map<String, Object> row(DocumentRecord d) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", d.id());
        row.put("patient_id", d.patientId());
        row.put("file_name", d.fileName());
        row.put("content_type", d.contentType());
        row.put("file_size_bytes", d.fileSizeBytes());
        row.put("document_type", d.documentType());
        row.put("description", d.description());
        row.put("uploaded_by_id", d.uploadedById());
        row.put("uploaded_at", d.uploadedAt());
        row.put(ColumnMap.VERSION, CREATED_VERSION);
        return row;
    }

    static Map<String, Object> row(PatientRecord p) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", p.id());
        row.put("first_name", p.firstName());
        row.put("last_name", p.lastName());
        row.put("birth_date", p.birthDate());
        row.put(ColumnMap.VERSION, CREATED_VERSION);
        return row;
    }
}
