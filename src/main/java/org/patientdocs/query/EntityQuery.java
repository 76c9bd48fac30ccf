package org.patientdocs.query;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.queryoption.SelectOption;

/** The SQL that reads one entity by its key, with only the selected columns. */
public record EntityQuery(SqlFragment sql, RowLayout layout) {

    /**
     * @param key      the key value, or a subquery that selects it
     * @param scope    an extra condition the row must meet (e.g. its patient), or null
     * @param required properties read even when {@code $select} leaves them out (a navigation's foreign key)
     */
    public static EntityQuery byKey(ColumnMap.Table table, SqlFragment key, SqlFragment scope, SelectOption select,
                                    Set<String> required) {
        Set<ColumnMap.Column> columns = new LinkedHashSet<>(Selection.selectedColumns(table, select));
        required.forEach(property -> columns.add(table.column(property)));
        columns.add(table.version());
        String selectList = String.join(", ", columns.stream().map(ColumnMap.Column::name).toList());
        SqlFragment where = SqlFragment.format(table.key().name() + " = {}", key);
        if (scope != null) {
            where = SqlFragment.format("{} AND {}", where, scope);
        }
        return new EntityQuery(SqlFragment.format("SELECT " + selectList + " FROM " + table.name() + " WHERE {}", where),
                RowLayout.of(table, List.copyOf(columns)));
    }

    /** The properties a client's {@code $select} asks for (all without one), the key always among them. */
    public static List<String> selectedProperties(ColumnMap.Table table, SelectOption select) {
        return Selection.selectedColumns(table, select).stream().map(ColumnMap.Column::property).toList();
    }
}
