package org.patientdocs.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What each column of a statement's result holds, shared by every {@link Row} the statement returns: a property of the
 * table, its version, or a value the service reads for itself (the parent's key of an expanded row, the sort keys a
 * skip token carries, the stored columns that are no property). The store reads the columns as {@link #kinds()} says;
 * the rows then find a property's value by its column's position in two array lookups, without names.
 */
public final class RowLayout {

    private final ColumnMap.Table table;
    private final List<ColumnMap.Kind> kinds;
    /** For each property of the table (by {@link ColumnMap.Column#position()}): its result column, or -1. */
    private final int[] properties;
    private final int version;
    private final int parent;
    private final int firstKey;
    private final int firstStored;

    private RowLayout(ColumnMap.Table table, List<ColumnMap.Kind> kinds, int[] properties, int version, int parent,
                      int firstKey, int firstStored) {
        this.table = table;
        this.kinds = List.copyOf(kinds);
        this.properties = properties;
        this.version = version;
        this.parent = parent;
        this.firstKey = firstKey;
        this.firstStored = firstStored;
    }

    /** A result of these columns of the table, in this order, its version column among them. */
    static RowLayout of(ColumnMap.Table table, List<ColumnMap.Column> columns) {
        int[] properties = new int[table.columns().size()];
        Arrays.fill(properties, -1);
        int version = -1;
        List<ColumnMap.Kind> kinds = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnMap.Column column = columns.get(i);
            if (column.equals(table.version())) {
                version = i;
            } else {
                properties[column.position()] = i;
            }
            kinds.add(column.kind());
        }
        if (version < 0) {
            throw new IllegalArgumentException("every entity is read with its version");
        }
        return new RowLayout(table, kinds, properties, version, -1, -1, -1);
    }

    /**
     * A result of values that are no entity's properties (the rows of {@code $apply}), read as {@code kinds} say
     * and found by position ({@link Row#value}).
     */
    static RowLayout values(List<ColumnMap.Kind> kinds) {
        return new RowLayout(null, kinds, new int[0], -1, -1, -1, -1);
    }

    /** This layout followed by the sort keys, the position a skip token continues after. */
    RowLayout withSortKeys(List<SortKey> keys) {
        List<ColumnMap.Kind> all = new ArrayList<>(kinds);
        keys.forEach(key -> all.add(key.type().readKind()));
        return new RowLayout(table, all, properties, version, parent, kinds.size(), firstStored);
    }

    /** This layout followed by values that are no property (computed ones), found by position. */
    RowLayout withValues(List<ColumnMap.Kind> values) {
        if (values.isEmpty()) {
            return this;
        }
        List<ColumnMap.Kind> all = new ArrayList<>(kinds);
        all.addAll(values);
        return new RowLayout(table, all, properties, version, parent, firstKey, firstStored);
    }

    /** This layout followed by the value that ties an expanded row to its parent. */
    RowLayout withParent(ColumnMap.Kind kind) {
        List<ColumnMap.Kind> all = new ArrayList<>(kinds);
        all.add(kind);
        return new RowLayout(table, all, properties, version, kinds.size(), firstKey, firstStored);
    }

    /** This layout followed by stored columns that are no property ({@link ColumnMap#stored}), in their order. */
    RowLayout withStored(List<ColumnMap.Column> stored) {
        List<ColumnMap.Kind> all = new ArrayList<>(kinds);
        stored.forEach(column -> all.add(column.kind()));
        return new RowLayout(table, all, properties, version, parent, firstKey, kinds.size());
    }

    ColumnMap.Table table() {
        return table;
    }

    /** How the store reads each column of the result, in order. */
    public List<ColumnMap.Kind> kinds() {
        return kinds;
    }

    /** The result column (from 0) that holds the property, or -1 when the statement does not read it. */
    int indexOf(ColumnMap.Column column) {
        return column.position() < 0 ? version : properties[column.position()];
    }

    int version() {
        return version;
    }

    int parent() {
        return parent;
    }

    /** The first result column of the sort keys, which run to the last; -1 when there are none. */
    int firstKey() {
        return firstKey;
    }

    /** The first result column of the stored columns that are no property; -1 when there are none. */
    int firstStored() {
        return firstStored;
    }
}
