package org.patientdocs.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code FROM} of a statement or subquery: a table under an alias plus the tables joined to it by single-valued
 * navigations ({@code Documents?$filter=Patient/last_name eq 'Smith'}). A join is added the first time a path needs
 * it and rendered when the statement is assembled, after every expression of the block has been translated.
 * <p>
 * Every statement and subquery the service runs takes its {@code FROM} and {@code WHERE} from {@link #from}, and every
 * table it reads is the root of a block or joined through {@link #joinToOne}. So this is where what a caller may see
 * is decided, once for all: each table with a tenant column is read only where that column holds the caller's tenant,
 * a bound value, in the {@code WHERE} for the root and in the {@code ON} for a joined table; and a table is read only
 * for a caller with the scope reading it needs ({@link QueryContext#requireRead}), checked as the block binds it,
 * before any statement runs. The one exception is the entity a path navigates from ({@link #addressing}): the path's
 * last segment decides what the request reads.
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
    private final Map<String, Binding> joined = new LinkedHashMap<>();
    private final List<SqlFragment> joins = new ArrayList<>();

    /** A block reading the table's rows for the caller: the caller needs the scope reading them. */
    Block(QueryContext context, ColumnMap.Table table) {
        this(context, table, true);
    }

    private Block(QueryContext context, ColumnMap.Table table, boolean read) {
        if (read) {
            context.requireRead(table);
        }
        this.context = context;
        this.root = new Binding(table, context.nextAlias(), this);
    }

    /**
     * A block over the entity a path navigates from ({@code Documents('d1')} in {@code Documents('d1')/Patient}),
     * which only addresses what the request reads: in the caller's tenant, but without the scope reading it.
     */
    static Block addressing(QueryContext context, ColumnMap.Table table) {
        return new Block(context, table, false);
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
        Binding binding = joined.get(key);
        if (binding == null) {
            ColumnMap.Table target = context.columns().table(navigation.target());
            context.requireRead(target);
            binding = new Binding(target, context.nextAlias(), this);
            joined.put(key, binding);
            List<SqlFragment> on = new ArrayList<>();
            on.add(SqlFragment.of(binding.alias() + "." + navigation.targetColumn() + " = " + from.alias() + "."
                    + navigation.sourceColumn()));
            addTenant(binding, on);
            joins.add(SqlFragment.format(" LEFT JOIN " + target.name() + " " + binding.alias() + " ON {}",
                    SqlFragment.join(" AND ", on)));
        }
        return binding;
    }

    /**
     * {@code " FROM table alias [LEFT JOIN …] [WHERE …]"}: the block's tables, read where the conditions hold and
     * only in the caller's tenant. Rendered once the block's expressions are translated, as they add the joins.
     */
    SqlFragment from(List<SqlFragment> conditions) {
        return from(conditions, null);
    }

    /** {@link #from(List)} reading the root table through the named index (H2's {@code USE INDEX}); null: any. */
    SqlFragment from(List<SqlFragment> conditions, String index) {
        List<SqlFragment> where = new ArrayList<>();
        addTenant(root, where);
        where.addAll(conditions);
        SqlFragment whereClause = where.isEmpty() ? SqlFragment.of("")
                : SqlFragment.format(" WHERE {}", SqlFragment.join(" AND ", where));
        String hint = index == null ? "" : " USE INDEX (" + index + ")";
        return SqlFragment.format(" FROM " + root.table().name() + " " + root.alias() + hint + "{}{}",
                SqlFragment.join("", joins), whereClause);
    }

    /** {@code alias.tenant_id = ?} with the caller's tenant, for a table whose rows belong to tenants. */
    private void addTenant(Binding binding, List<SqlFragment> conditions) {
        ColumnMap.Column tenant = binding.table().tenant();
        if (tenant != null) {
            conditions.add(SqlFragment.format("{} = {}", binding.column(tenant, false),
                    SqlFragment.param(context.caller().tenant())));
        }
    }
}
