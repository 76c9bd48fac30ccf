package org.patientdocs.query;

import java.util.ArrayList;
import java.util.List;

import org.apache.olingo.server.api.uri.queryoption.SelectOption;

/** The SQL that reads one entity by its key, with only the selected columns. */
public record EntityQuery(SqlFragment sql, List<ColumnMap.Column> columns) {

    /**
     * @param key   the key value, or null when {@code keyQuery} selects it
     * @param scope an extra condition the row must meet (e.g. its patient), or null
     */
    public static EntityQuery byKey(ColumnMap.Table table, SqlFragment key, SqlFragment scope, SelectOption select) {
        List<ColumnMap.Column> columns = new ArrayList<>(Selection.selectedColumns(table, select));
        columns.add(table.version());
        String selectList = String.join(", ", columns.stream().map(ColumnMap.Column::name).toList());
        SqlFragment where = SqlFragment.format(table.key().name() + " = {}", key);
        if (scope != null) {
            where = SqlFragment.format("{} AND {}", where, scope);
        }
        return new EntityQuery(SqlFragment.format("SELECT " + selectList + " FROM " + table.name() + " WHERE {}", where),
                columns);
    }
}
