package org.patientdocs.query;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One level of {@code $expand} as one statement over all parents of the level: the targets of a navigation for the
 * parents' keys ({@code WHERE patient_id IN (?, ?, …)}), with the expand's own {@code $filter}, {@code $search},
 * {@code $select} and {@code $orderby}. For a collection, {@code $skip} and {@code $top} apply per parent through
 * {@code ROW_NUMBER() OVER (PARTITION BY …)}; at most {@code perParent} rows come back per parent, plus one that
 * tells whether more follow. Each row carries the parent's value, which ties it to its parent.
 */
final class ExpandQuery {

    private final Selection selection;
    private final ColumnMap.Navigation navigation;
    private final CollectionQuery.Options options;
    private final Set<String> selected;

    private ExpandQuery(Selection selection, ColumnMap.Navigation navigation, CollectionQuery.Options options,
                        Set<String> selected) {
        this.selection = selection;
        this.navigation = navigation;
        this.options = options;
        this.selected = selected;
    }

    /**
     * @param navigation the navigation being expanded
     * @param required   columns of the target read even when not selected (for the next expand level)
     */
    static ExpandQuery of(QueryContext context, ColumnMap.Navigation navigation,
                          CollectionQuery.Options options, Set<String> required, Computation computation) {
        ColumnMap.Table target = context.columns().table(navigation.target());
        Selection selection = Selection.of(context, target, options.filter(), options.search(),
                navigation.collection() ? options.orderBy() : null, options.select(), required, computation);
        Set<String> selected = new LinkedHashSet<>();
        Selection.selectedColumns(target, options.select(), computation).forEach(c -> selected.add(c.property()));
        return new ExpandQuery(selection, navigation, options, Set.copyOf(selected));
    }

    Set<String> selected() {
        return selected;
    }

    /** The computed properties the rows carry. */
    ComputedValues computed() {
        return selection.computedValues();
    }

    /** The result of {@link #rows}: the columns, the computed values, then the parent value. */
    RowLayout layout() {
        return selection.layout().withParent(parentKind());
    }

    /** How the parent values are read, in {@link #rows} and as the first column of {@link #counts}. */
    ColumnMap.Kind parentKind() {
        return selection.root().table().columnNamed(navigation.targetColumn()).kind();
    }

    /** The rows for these parent values, at most {@code perParent} (+1) each, in order within each parent. */
    SqlFragment rows(List<Object> parentValues, int perParent) {
        SqlFragment parent = parentColumn();
        SqlFragment from = selection.from(List.of(in(parent, parentValues)));
        if (!navigation.collection()) {
            return SqlFragment.format("SELECT {}, {} AS p_{}", selection.columnList(), parent, from);
        }
        List<SqlFragment> inner = new ArrayList<>();
        List<String> outer = new ArrayList<>();
        List<ColumnMap.Column> columns = selection.columns();
        for (int i = 0; i < columns.size(); i++) {
            inner.add(SqlFragment.format("{} AS c" + i,
                    selection.root().column(columns.get(i), columns.get(i).nullable())));
            outer.add("x.c" + i);
        }
        for (Operand value : selection.computed().values()) {
            inner.add(SqlFragment.format("{} AS c" + outer.size(), value.sql()));
            outer.add("x.c" + outer.size());
        }
        long skip = options.skip() == null ? 0 : options.skip();
        long wanted = options.top() == null ? (long) perParent + 1 : Math.min(options.top(), (long) perParent + 1);
        return SqlFragment.format("SELECT " + String.join(", ", outer) + ", x.p_ FROM (SELECT {}, {} AS p_,"
                        + " ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {}) AS r_{}) x"
                        + " WHERE x.r_ > {} AND x.r_ <= {} ORDER BY x.p_, x.r_",
                SqlFragment.join(", ", inner), parent, parent, selection.orderByKeys(), from,
                SqlFragment.param(skip), SqlFragment.param(skip + wanted));
    }

    /**
     * For a collection: the number of matching rows per parent value ({@code $count} inside the expand), as rows of
     * the parent value and the count.
     */
    SqlFragment counts(List<Object> parentValues) {
        SqlFragment parent = parentColumn();
        return SqlFragment.format("SELECT {} AS p_, COUNT(*) AS n_{} GROUP BY {}", parent,
                selection.from(List.of(in(parent, parentValues))), parent);
    }

    private SqlFragment parentColumn() {
        return selection.root().column(selection.root().table().columnNamed(navigation.targetColumn()), false);
    }

    private static SqlFragment in(SqlFragment column, List<Object> values) {
        List<SqlFragment> params = values.stream().map(SqlFragment::param).toList();
        return SqlFragment.format("{} IN ({})", column, SqlFragment.join(", ", params));
    }
}
