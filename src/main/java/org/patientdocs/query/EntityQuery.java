package org.patientdocs.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.olingo.server.api.uri.queryoption.SelectOption;

/**
 * The statement that reads the one entity a {@link Target} addresses, with only the selected columns.
 *
 * @param selected the properties the client selected, the key among them; the row holds more when others are required
 */
record EntityQuery(SqlFragment sql, RowLayout layout, Set<String> selected, ComputedValues computed) {

    /**
     * @param select   the client's {@code $select}, or null for every property
     * @param required properties read even when {@code $select} leaves them out (a navigation's foreign key)
     */
    static EntityQuery of(QueryContext context, Target target, SelectOption select, Set<String> required) {
        return of(context, target, select, required, null);
    }

    /** @param computation the computed properties ({@code $compute}) the row carries after its columns, or null */
    static EntityQuery of(QueryContext context, Target target, SelectOption select, Set<String> required,
                          Computation computation) {
        return of(context, target, select, required, computation, List.of());
    }

    /**
     * Every property of the entity, then {@code stored}: columns of its table that are no property
     * ({@link ColumnMap#stored}), read in the same statement ({@link Row#stored}).
     */
    static EntityQuery withStored(QueryContext context, Target target, List<ColumnMap.Column> stored) {
        return of(context, target, null, Set.of(), null, stored);
    }

    private static EntityQuery of(QueryContext context, Target target, SelectOption select, Set<String> required,
                                  Computation computation, List<ColumnMap.Column> stored) {
        ColumnMap.Table table = context.columns().table(target.set().getEntityType());
        Selection selection = Selection.of(context, table, null, null, null, select, required, computation);
        SqlFragment columns = selection.columnList();
        RowLayout layout = selection.layout();
        if (!stored.isEmpty()) {
            List<SqlFragment> all = new ArrayList<>(List.of(columns));
            stored.forEach(column -> all.add(selection.root().column(column, column.nullable())));
            columns = SqlFragment.join(", ", all);
            layout = layout.withStored(stored);
        }
        SqlFragment sql = SqlFragment.format("SELECT {}{}", columns,
                selection.from(TargetRows.conditions(target, selection.block())));
        Set<String> selected = new LinkedHashSet<>();
        Selection.selectedColumns(table, select, computation).forEach(column -> selected.add(column.property()));
        return new EntityQuery(sql, layout, Set.copyOf(selected), selection.computedValues());
    }
}
