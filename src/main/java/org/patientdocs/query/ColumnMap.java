package org.patientdocs.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmNavigationProperty;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmProperty;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.patientdocs.auth.Scope;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The mapping from the EDM to the database schema: one table per entity type, one column per primitive property
 * with the property's own name, one foreign key per navigation. It is the only source of identifiers in generated
 * SQL; each is checked at start-up to be a plain lower-case identifier, so it needs no quoting on H2 or PostgreSQL.
 */
public final class ColumnMap {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /**
     * The value kinds the store reads and writes; {@code STRING_LIST} is a {@code Collection(Edm.String)} property,
     * stored as an array in one column and read as a {@code List<String>}; {@code BYTES}, read as a {@code byte[]},
     * is the kind of {@link #stored} columns only, never of a property.
     */
    public enum Kind { STRING, INT64, INT32, BOOLEAN, DECIMAL, DOUBLE, DATE, DATE_TIME_OFFSET, STRING_LIST, BYTES }

    /**
     * A stored property, or a table's version or tenant column.
     *
     * @param property the property's name; null for the version and tenant columns, which are no properties of the
     *                 model, so that no query option can name them
     * @param position the property's place among its type's properties, which is where a {@link Row} holds its
     *                 value; -1 for the version and tenant columns
     */
    public record Column(String property, String name, Kind kind, boolean nullable, int position) {
    }

    /**
     * How one entity type reaches another: rows of {@code target} whose {@code targetColumn} equals this table's
     * {@code sourceColumn}.
     *
     * @param collection whether many target rows may match (Patient → Documents) or at most one (Document →
     *                   Patient)
     */
    public record Navigation(String name, FullQualifiedName target, boolean collection, boolean nullable,
                             String sourceColumn, String targetColumn) {
    }

    /**
     * Who may do what with an entity type's rows: the scope a caller needs to read them, wherever a request reads them
     * (its collection, an entity, an expanded navigation, a {@code $filter} or {@code $orderby} path through them:
     * {@link Block} checks it), to create and change them, and to delete them (the processors check those two).
     */
    public record Access(Scope read, Scope write, Scope delete) {
    }

    /**
     * How one entity type is stored, and who may see and change it.
     *
     * @param entityType       the type's simple name
     * @param table            its table
     * @param tenantColumn     the column naming the tenant each row belongs to: every statement reads only the
     *                         caller's tenant's rows of the table ({@link Block}); null for a table every tenant
     *                         shares
     * @param access           the scopes reading, changing and deleting the rows need
     * @param foreignKeys      for each single-valued navigation property, the column of this table that holds the
     *                         target's key; a collection-valued navigation uses its partner's foreign key
     * @param searchProperties the string properties {@code $search} looks into
     * @param versionColumn    the column counting the row's changes, the source of its ETag
     */
    public record TableSpec(String entityType, String table, String tenantColumn, Access access,
                            Map<String, String> foreignKeys, List<String> searchProperties, String versionColumn) {
    }

    /**
     * @param version the row's change counter, read with every entity: its ETag
     * @param tenant  the column naming the row's tenant, or null when every tenant shares the table's rows
     * @param access  the scopes reading, changing and deleting the rows need
     */
    public record Table(FullQualifiedName entityType, String name, Column key, Map<String, Column> columns,
                        Map<String, Navigation> navigations, List<Column> searchColumns, Column version,
                        Column tenant, Access access) {

        /** The column of a property, or a 400 naming the property. */
        public Column column(String property) {
            Column column = columns.get(property);
            if (column == null) {
                throw new ServiceException.BadRequest(ErrorCode.UNKNOWN_PROPERTY, property,
                        "The property '" + property + "' does not exist on " + entityType.getName());
            }
            return column;
        }

        /** The navigation property of this type, or a 400 naming it. */
        public Navigation navigation(String property) {
            Navigation navigation = navigations.get(property);
            if (navigation == null) {
                throw new ServiceException.BadRequest(ErrorCode.UNKNOWN_PROPERTY, property,
                        "The navigation property '" + property + "' does not exist on " + entityType.getName());
            }
            return navigation;
        }

        /** The column a navigation starts from: the key, or for a single-valued navigation the foreign key. */
        public Column columnNamed(String name) {
            return columns.values().stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no column " + name + " in " + this.name));
        }

        public List<Column> allColumns() {
            return List.copyOf(columns.values());
        }
    }

    /**
     * A column of a table that is no property: what the service reads with an entity for itself (a document's digest,
     * say; {@link RowLayout#withStored}), which no query option can name and no answer shows.
     */
    public static Column stored(String name, Kind kind) {
        return new Column(null, identifier(name), kind, true, -1);
    }

    private final Map<FullQualifiedName, Table> tables;

    private ColumnMap(Map<FullQualifiedName, Table> tables) {
        this.tables = tables;
    }

    /** Builds the map from the EDM and the storage of each entity type. */
    public static ColumnMap fromEdm(Edm edm, String namespace, List<TableSpec> specs) {
        Map<FullQualifiedName, TableSpec> byType = new LinkedHashMap<>();
        for (TableSpec spec : specs) {
            byType.put(new FullQualifiedName(namespace, spec.entityType()), spec);
        }
        Map<FullQualifiedName, Table> tables = new LinkedHashMap<>();
        byType.forEach((name, spec) -> {
            EdmEntityType type = edm.getEntityType(name);
            if (type == null) {
                throw new IllegalStateException("the EDM has no entity type " + spec.entityType());
            }
            Map<String, Column> columns = columns(type);
            List<String> keys = type.getKeyPredicateNames();
            if (keys.size() != 1) {
                throw new IllegalStateException("entity type " + spec.entityType() + " must have a single key");
            }
            Map<String, Navigation> navigations = new LinkedHashMap<>();
            for (String navName : type.getNavigationPropertyNames()) {
                navigations.put(navName, navigation(edm, type, type.getNavigationProperty(navName), byType,
                        columns.get(keys.get(0))));
            }
            List<Column> search = new ArrayList<>();
            for (String property : spec.searchProperties()) {
                Column column = columns.get(property);
                if (column == null || column.kind() != Kind.STRING) {
                    throw new IllegalStateException("not a string property of " + spec.entityType() + ": " + property);
                }
                search.add(column);
            }
            tables.put(name, new Table(name, identifier(spec.table()), columns.get(keys.get(0)), columns,
                    Map.copyOf(navigations), List.copyOf(search),
                    new Column(null, identifier(spec.versionColumn()), Kind.INT64, false, -1),
                    spec.tenantColumn() == null ? null
                            : new Column(null, identifier(spec.tenantColumn()), Kind.STRING, false, -1),
                    spec.access()));
        });
        return new ColumnMap(Map.copyOf(tables));
    }

    private static Map<String, Column> columns(EdmEntityType type) {
        Map<String, Column> columns = new LinkedHashMap<>();
        for (String name : type.getPropertyNames()) {
            EdmProperty property = type.getStructuralProperty(name);
            if (!property.isPrimitive() || property.isCollection() && kindOf(property) != Kind.STRING) {
                throw new IllegalStateException("only primitive properties and lists of strings are mapped: " + name);
            }
            columns.put(name, new Column(name, identifier(name), property.isCollection() ? Kind.STRING_LIST
                    : kindOf(property), property.isNullable(), columns.size()));
        }
        return columns;
    }

    private static Navigation navigation(Edm edm, EdmEntityType type, EdmNavigationProperty property,
                                         Map<FullQualifiedName, TableSpec> specs, Column key) {
        FullQualifiedName target = property.getType().getFullQualifiedName();
        TableSpec own = specs.get(type.getFullQualifiedName());
        TableSpec other = specs.get(target);
        if (other == null) {
            throw new IllegalStateException("no table for the target of " + property.getName());
        }
        String foreignKey = own.foreignKeys().get(property.getName());
        if (!property.isCollection() && foreignKey != null) {
            EdmEntityType targetType = edm.getEntityType(target);
            String targetKey = targetType.getKeyPredicateNames().get(0);
            return new Navigation(property.getName(), target, false, property.isNullable(), identifier(foreignKey),
                    identifier(targetKey));
        }
        EdmNavigationProperty partner = property.getPartner();
        String partnerKey = partner == null ? null : other.foreignKeys().get(partner.getName());
        if (property.isCollection() && partnerKey != null) {
            return new Navigation(property.getName(), target, true, false, key.name(), identifier(partnerKey));
        }
        throw new IllegalStateException("no foreign key for the navigation " + property.getName());
    }

    public Table table(EdmEntityType type) {
        return table(type.getFullQualifiedName());
    }

    public Table table(FullQualifiedName type) {
        Table table = tables.get(type);
        if (table == null) {
            throw new IllegalStateException("no table for entity type " + type);
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
