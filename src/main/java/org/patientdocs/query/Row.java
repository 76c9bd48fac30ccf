package org.patientdocs.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One entity as read: its properties' values (String, Long, Integer, Boolean, BigDecimal, Double, LocalDate or
 * Instant; null where the value is null or the statement did not read the property) and its version, the source of
 * its ETag. A row also holds what the service read for itself, never a property: the parent's key of an expanded
 * row, the sort keys of a page's row, the stored columns a download needs.
 *
 * <p>An immutable value, though not a {@code record}: it keeps the store's array of the result's values as it is,
 * in the order of its {@link RowLayout}, which every row of a statement shares, so that a 1000-row page costs 1000
 * arrays and no maps, and a writer finds a value by two array lookups.
 */
public final class Row {

    private final RowLayout layout;
    private final Object[] values;

    /** @param values the result's values, in the order of the layout's columns; the row keeps the array */
    public Row(RowLayout layout, Object[] values) {
        if (values.length != layout.kinds().size()) {
            throw new IllegalArgumentException("a row of " + layout.kinds().size() + " values, not " + values.length);
        }
        this.layout = layout;
        this.values = values;
    }

    /** A row of every property of the table, e.g. of an entity just created. */
    public static Row of(ColumnMap.Table table, Map<String, Object> properties, long version) {
        List<ColumnMap.Column> columns = new ArrayList<>(table.allColumns());
        columns.add(table.version());
        Object[] values = new Object[columns.size()];
        properties.forEach((name, value) -> values[table.column(name).position()] = value);
        values[values.length - 1] = version;
        return new Row(RowLayout.of(table, columns), values);
    }

    public ColumnMap.Table table() {
        return layout.table();
    }

    /** The property's value; null when it is null or was not read. */
    public Object get(ColumnMap.Column column) {
        int index = layout.indexOf(column);
        return index < 0 ? null : values[index];
    }

    /** The value of the property of this name; null when it is null or was not read. */
    public Object get(String property) {
        return get(layout.table().column(property));
    }

    /** The value of the result's column at {@code index} (from 0): for rows that are no entity's. */
    public Object value(int index) {
        return values[index];
    }

    /**
     * The value of the {@code index}th (from 0) stored column that is no property, of those the statement read after
     * the entity ({@link QueryService#entity(org.patientdocs.auth.Caller, Target, List)}).
     */
    public Object stored(int index) {
        if (layout.firstStored() < 0) {
            throw new IllegalStateException("the row was read without stored columns");
        }
        return values[layout.firstStored() + index];
    }

    /** The entity's change counter: its ETag. */
    public long version() {
        return (Long) values[layout.version()];
    }

    /** The value that ties an expanded row to its parent row. */
    Object parent() {
        return values[layout.parent()];
    }

    /** The values of the page's sort keys, in order: where the next page starts. */
    List<Object> sortKey() {
        return Arrays.asList(Arrays.copyOfRange(values, layout.firstKey(), values.length));
    }
}
