package org.patientdocs.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmProperty;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The mapping from the EDM to the database schema: one table per entity type, one column per primitive property
 * with the property's own name. It is the only source of identifiers in generated SQL; each is checked at start-up
 * to be a plain lower-case identifier, so it needs no quoting on H2 or PostgreSQL.
 */
public final class ColumnMap {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** The value kinds the store reads and writes. */
    public enum Kind { STRING, INT64, INT32, BOOLEAN, DECIMAL, DOUBLE, DATE, DATE_TIME_OFFSET }

    public record Column(String property, String name, Kind kind, boolean nullable) {
    }

    public record Table(FullQualifiedName entityType, String name, Column key, Map<String, Column> columns) {

        /** The column of a property, or a 400 naming the property. */
        public Column column(String property) {
            Column column = columns.get(property);
            if (column == null) {
                throw new ServiceException.BadRequest(ErrorCode.UNKNOWN_PROPERTY, property,
                        "The property '" + property + "' does not exist on " + entityType.getName());
            }
            return column;
        }

        public List<Column> allColumns() {
            return List.copyOf(columns.values());
        }
    }

    private final Map<FullQualifiedName, Table> tables;

    private ColumnMap(Map<FullQualifiedName, Table> tables) {
        this.tables = tables;
    }

    /**
     * Builds the map from the EDM.
     *
     * @param tableNames the table of each entity type, by the type's simple name
     */
    public static ColumnMap fromEdm(Edm edm, String namespace, Map<String, String> tableNames) {
        Map<FullQualifiedName, Table> tables = new LinkedHashMap<>();
        tableNames.forEach((typeName, tableName) -> {
            EdmEntityType type = edm.getEntityType(new FullQualifiedName(namespace, typeName));
            if (type == null) {
                throw new IllegalStateException("the EDM has no entity type " + typeName);
            }
            Map<String, Column> columns = new LinkedHashMap<>();
            for (String name : type.getPropertyNames()) {
                EdmProperty property = type.getStructuralProperty(name);
                if (!property.isPrimitive() || property.isCollection()) {
                    throw new IllegalStateException("only single primitive properties are mapped: " + name);
                }
                columns.put(name, new Column(name, identifier(name), kindOf(property), property.isNullable()));
            }
            List<String> keys = type.getKeyPredicateNames();
            if (keys.size() != 1) {
                throw new IllegalStateException("entity type " + typeName + " must have a single key");
            }
            tables.put(type.getFullQualifiedName(),
                    new Table(type.getFullQualifiedName(), identifier(tableName), columns.get(keys.get(0)), columns));
        });
        return new ColumnMap(Map.copyOf(tables));
    }

    public Table table(EdmEntityType type) {
        Table table = tables.get(type.getFullQualifiedName());
        if (table == null) {
            throw new IllegalStateException("no table for entity type " + type.getFullQualifiedName());
        }
        return table;
    }

    private static String identifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalStateException("not a plain lower-case SQL identifier: " + name);
        }
        return name;
    }

    private static Kind kindOf(EdmProperty property) {
        EdmPrimitiveTypeKind kind = EdmPrimitiveTypeKind.valueOfFQN(property.getType().getFullQualifiedName());
        return switch (kind) {
            case String -> Kind.STRING;
            case Int64 -> Kind.INT64;
            case Int32, Int16, Byte, SByte -> Kind.INT32;
            case Boolean -> Kind.BOOLEAN;
            case Decimal -> Kind.DECIMAL;
            case Double, Single -> Kind.DOUBLE;
            case Date -> Kind.DATE;
            case DateTimeOffset -> Kind.DATE_TIME_OFFSET;
            default -> throw new IllegalStateException("unmapped EDM type " + kind + " of " + property.getName());
        };
    }
}
