package org.patientdocs.query;

import java.util.LinkedHashSet;
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
        ColumnMap.Table table = context.columns().table(target.set().getEntityType());
        Selection selection = Selection.of(context, table, null, null, null, select, required, computation);
        SqlFragment sql = SqlFragment.format("SELECT {}{}", selection.columnList(),
                selection.from(TargetRows.conditions(target, selection.block())));
        Set<String> selected = new LinkedHashSet<>();
        Selection.selectedColumns(table, select, computation).forEach(column -> selected.add(column.property()));
        return new EntityQuery(sql, selection.layout(), Set.copyOf(selected), selection.computedValues());
    }
}
