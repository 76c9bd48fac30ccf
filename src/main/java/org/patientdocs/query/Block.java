package org.patientdocs.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code FROM} of a statement or subquery: a table under an alias plus the tables joined to it by single-valued
 * navigations ({@code Documents?$filter=Patient/last_name eq 'Smith'}). A join is added the first time a path needs
 * it and rendered when the statement is assembled, after every expression of the block has been translated.
 */
final class Block {

    /** A table under an alias, as a path reaches it. */
    record Binding(ColumnMap.Table table, String alias, Block block) {

        SqlFragment column(ColumnMap.Column column, boolean nullable) {
            return new SqlFragment(alias + "." + column.name(), List.of(), nullable);
        }
    }

    private final QueryContext context;
    private final Binding root;
    private final Map<String, Binding> joins = new LinkedHashMap<>();
    private final StringBuilder joinSql = new StringBuilder();

    Block(QueryContext context, ColumnMap.Table table) {
        this.context = context;
        this.root = new Binding(table, context.nextAlias(), this);
    }

    Binding root() {
        return root;
    }

    QueryContext context() {
        return context;
    }

    /** The target of a single-valued navigation from a binding of this block, joined once. */
    Binding joinToOne(Binding from, ColumnMap.Navigation navigation) {
        String key = from.alias() + "/" + navigation.name();
        Binding joined = joins.get(key);
        if (joined == null) {
            ColumnMap.Table target = context.columns().table(navigation.target());
            joined = new Binding(target, context.nextAlias(), this);
            joins.put(key, joined);
            joinSql.append(" LEFT JOIN ").append(target.name()).append(' ').append(joined.alias())
                    .append(" ON ").append(joined.alias()).append('.').append(navigation.targetColumn())
                    .append(" = ").append(from.alias()).append('.').append(navigation.sourceColumn());
        }
        return joined;
    }

    /**
     * {@code " WHERE c1 AND c2 …"} over the block's rows, or nothing when there are no conditions. Every statement and
     * subquery of the service takes its WHERE from here, and its tables from {@link #from()}: a condition that every
     * row of every table read must meet (the caller's scope) belongs in these two methods.
     */
    SqlFragment where(List<SqlFragment> conditions) {
        return conditions.isEmpty() ? SqlFragment.of("")
                : SqlFragment.format(" WHERE {}", SqlFragment.join(" AND ", conditions));
    }

    /** {@code table alias [LEFT JOIN …]}: identifiers only, no parameters. */
    String from() {
        return root.table().name() + " " + root.alias() + joinSql;
    }
}
