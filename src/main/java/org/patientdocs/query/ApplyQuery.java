package org.patientdocs.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceCount;
import org.apache.olingo.server.api.uri.queryoption.ApplyItem;
import org.apache.olingo.server.api.uri.queryoption.ApplyOption;
import org.apache.olingo.server.api.uri.queryoption.OrderByItem;
import org.apache.olingo.server.api.uri.queryoption.OrderByOption;
import org.apache.olingo.server.api.uri.queryoption.SelectItem;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.api.uri.queryoption.apply.Aggregate;
import org.apache.olingo.server.api.uri.queryoption.apply.AggregateExpression;
import org.apache.olingo.server.api.uri.queryoption.apply.BottomTop;
import org.apache.olingo.server.api.uri.queryoption.apply.Compute;
import org.apache.olingo.server.api.uri.queryoption.apply.Concat;
import org.apache.olingo.server.api.uri.queryoption.apply.ComputeExpression;
import org.apache.olingo.server.api.uri.queryoption.apply.Filter;
import org.apache.olingo.server.api.uri.queryoption.apply.GroupBy;
import org.apache.olingo.server.api.uri.queryoption.apply.GroupByItem;
import org.apache.olingo.server.api.uri.queryoption.apply.OrderBy;
import org.apache.olingo.server.api.uri.queryoption.apply.Search;
import org.apache.olingo.server.api.uri.queryoption.apply.Skip;
import org.apache.olingo.server.api.uri.queryoption.apply.Top;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.search.SearchExpression;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * {@code $apply} (OData Data Aggregation Extension 4.0) and the system query options after it, as one statement:
 * <pre>
 * SELECT g.c0, g.c1, … FROM (SELECT &lt;grouping values&gt; AS c0, …, &lt;aggregates&gt; AS cN, …
 *     FROM &lt;table and joins&gt; WHERE &lt;tenant, path, filter, search&gt; GROUP BY c0, …) g
 * WHERE &lt;filters after grouping&gt; ORDER BY &lt;orderby&gt;, g.c0, … LIMIT ? OFFSET ?
 * </pre>
 * The inner statement reads through a {@link Block}, so only the caller's tenant's rows are ever aggregated. It groups
 * by its output columns' names, not by their expressions, because an expression with bind parameters
 * ({@code file_size_bytes div 1024}) repeated in {@code GROUP BY} has other parameters, which PostgreSQL takes for
 * another expression. Filters, computations and orders after the grouping work on the columns of {@code g}, so
 * they need no {@code HAVING}. Transformations before the grouping ({@code filter}, {@code search}, {@code compute})
 * work on the table's rows.
 *
 * {@code concat} of groupings puts their statements together with {@code UNION ALL} in place of {@code g}.
 *
 * <p>What one statement of this shape cannot express is refused with 501 naming it: a second grouping (aggregating an
 * aggregated result), {@code filter}, {@code orderby} or grouping after {@code top}/{@code skip}, {@code concat} of
 * branches that do not group or that end in {@code top}/{@code skip}, {@code rollup}, {@code from}, custom aggregates and methods, the {@code expand} transformation, {@code topcount}
 * and its kin, and {@code $expand}.
 *
 * <p>An {@code $apply} that neither groups nor aggregates, and {@code $compute} (which {@code url.QueryText} hands
 * the parser as a {@code compute} transformation), leave the entities themselves, with the computed properties:
 * {@code SELECT <properties>, <computed> FROM <table> WHERE … ORDER BY …, <key> LIMIT ? OFFSET ?}.
 */
final class ApplyQuery {

    /** A column of the inner statement: a grouping value or an aggregate, and the name the result gives it. */
    private record Column(String name, SqlFragment sql, ValueType type) {
    }

    private final Block block;
    private final List<SqlFragment> where = new ArrayList<>();
    /** The properties computed before the grouping, over the table's rows. */
    private final Map<String, Operand> computed = new LinkedHashMap<>();
    private final List<Column> inner = new ArrayList<>();
    private int groupingColumns;
    private boolean grouped;
    /** After the grouping: every value of the result by its name, in the result's order. */
    private final Map<String, Operand> names = new LinkedHashMap<>();
    private final List<SqlFragment> after = new ArrayList<>();
    private List<SortKey> order = List.of();
    private long offset;
    private Long limit;
    private List<String> selected;
    private List<String> hidden = List.of();
    /** After {@code concat}: the branches' rows, {@code UNION ALL}, each with its branch's number as column b. */
    private SqlFragment union;
    private int unionColumns;

    private ApplyQuery(Block block) {
        this.block = block;
    }

    /**
     * The request's {@code $apply} with its {@code $filter}, {@code $orderby} and {@code $select} over the collection
     * the target addresses; {@code $top}, {@code $skip} and paging are the {@link #rows}' parameters.
     */
    static ApplyQuery of(QueryContext context, Target target, UriInfo uri, Set<String> alsoRead) {
        ColumnMap.Table table = context.columns().table(target.set().getEntityType());
        ApplyQuery query = new ApplyQuery(new Block(context, table));
        query.where.addAll(TargetRows.conditions(target, query.block));
        query.transform(uri.getApplyOption());
        if (uri.getExpandOption() != null) {
            throw unsupported("$expand beside transformations other than compute");
        }
        if (uri.getSearchOption() != null) {
            if (query.grouped) {
                throw unsupported("$search after groupby or aggregate: an aggregated result has no text to search");
            }
            query.search(uri.getSearchOption().getSearchExpression());
        }
        if (uri.getFilterOption() != null) {
            query.filter(uri.getFilterOption().getExpression(), "$filter");
        }
        if (uri.getOrderByOption() != null) {
            query.orderBy(uri.getOrderByOption(), "$orderby");
        }
        if (query.grouped) {
            query.select(uri.getSelectOption());
        } else {
            query.selectEntities(table, uri.getSelectOption(), alsoRead);
        }
        return query;
    }

    private void transform(ApplyOption apply) {
        for (ApplyItem item : apply.getApplyItems()) {
            switch (item.getKind()) {
                case IDENTITY -> {
                    // the input as it is
                }
                case FILTER -> filter(((Filter) item).getFilterOption().getExpression(), "$apply");
                case SEARCH -> search(((Search) item).getSearchOption().getSearchExpression());
                case COMPUTE -> compute((Compute) item);
                case ORDERBY -> orderBy(((OrderBy) item).getOrderByOption(), "$apply");
                case TOP -> top(((Top) item).getTopOption().getValue());
                case SKIP -> skip(((Skip) item).getSkipOption().getValue());
                case AGGREGATE -> group(List.of(), ((Aggregate) item).getExpressions());
                case GROUP_BY -> groupBy((GroupBy) item);
                case CONCAT -> concat((Concat) item);
                case EXPAND -> throw unsupported("the transformation expand");
                case CUSTOM_FUNCTION -> throw unsupported("custom set functions");
                case BOTTOM_TOP -> throw unsupported("the transformation "
                        + ((BottomTop) item).getMethod().name().toLowerCase(Locale.ROOT).replace("_", ""));
            }
        }
    }

    private void filter(Expression expression, String target) {
        requireUnlimited("filter");
        if (grouped) {
            after.add(translator(target).condition(expression));
        } else {
            where.add(translator(target).condition(expression));
        }
    }

    private void search(SearchExpression search) {
        if (grouped || limited()) {
            throw unsupported("search after groupby, aggregate, top or skip");
        }
        where.add(new SearchTranslator(block).condition(search));
    }

    private void compute(Compute compute) {
        for (ComputeExpression expression : compute.getExpressions()) {
            Operand value = translator("$apply").value(expression.getExpression());
            if (value.type() == null) {
                throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$apply",
                        "compute needs a value with a type for " + expression.getAlias());
            }
            (grouped ? names : computed).put(expression.getAlias(), value);
        }
    }

    private void orderBy(OrderByOption orderBy, String target) {
        requireUnlimited("orderby");
        FilterTranslator translator = translator(target);
        List<SortKey> keys = new ArrayList<>();
        for (OrderByItem item : orderBy.getOrders()) {
            Operand value = translator.value(item.getExpression());
            if (value.isNull() || value.type() == null || value.isLiteral()) {
                continue;
            }
            keys.add(new SortKey(value.sql(), value.type(), item.isDescending(), value.nullable()));
        }
        order = keys;
    }

    /**
     * {@code concat}: each branch transforms the rows as they are here, and the result is the rows of every branch,
     * branch by branch ({@code UNION ALL}); a value a branch lacks is null in its rows. Branches must group or
     * aggregate, as their rows are no entities, and may not end in {@code top} or {@code skip}.
     */
    private void concat(Concat concat) {
        if (grouped || limited()) {
            throw unsupported("concat after groupby, aggregate, top or skip");
        }
        List<ApplyQuery> branches = new ArrayList<>();
        for (ApplyOption option : concat.getApplyOptions()) {
            ApplyQuery branch = new ApplyQuery(block);
            branch.where.addAll(where);
            branch.computed.putAll(computed);
            branch.transform(option);
            if (!branch.grouped || branch.limited()) {
                throw unsupported("concat of transformations that neither group nor aggregate, or end in top or"
                        + " skip");
            }
            branches.add(branch);
        }
        Map<String, ValueType> types = new LinkedHashMap<>();
        for (ApplyQuery branch : branches) {
            branch.names.forEach((name, value) -> {
                ValueType known = types.putIfAbsent(name, value.type());
                if (known != null && known != value.type()) {
                    throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$apply",
                            "The branches of concat give " + name + " values of different types");
                }
            });
        }
        List<SqlFragment> selects = new ArrayList<>();
        for (int b = 0; b < branches.size(); b++) {
            ApplyQuery branch = branches.get(b);
            List<SqlFragment> columns = new ArrayList<>();
            int i = 0;
            for (Map.Entry<String, ValueType> name : types.entrySet()) {
                Operand value = branch.names.get(name.getKey());
                columns.add(SqlFragment.format("{} AS c" + i++, value != null ? value.sql()
                        : SqlFragment.of("CAST(NULL AS " + name.getValue().sqlType() + ")")));
            }
            columns.add(SqlFragment.of(b + " AS b"));
            selects.add(SqlFragment.format("SELECT {}{}", SqlFragment.join(", ", columns), branch.source()));
        }
        union = SqlFragment.join(" UNION ALL ", selects);
        unionColumns = types.size();
        grouped = true;
        order = List.of();
        int i = 0;
        for (Map.Entry<String, ValueType> name : types.entrySet()) {
            names.put(name.getKey(), Operand.of(new SqlFragment("u.c" + i++, List.of(), true), name.getValue()));
        }
    }

    private void top(int count) {
        limit = limit == null ? count : Math.min(limit, count);
    }

    private void skip(int count) {
        offset += count;
        if (limit != null) {
            limit = Math.max(0, limit - count);
        }
    }

    private void groupBy(GroupBy groupBy) {
        List<Column> keys = new ArrayList<>();
        requireUngrouped("groupby");
        for (GroupByItem item : groupBy.getGroupByItems()) {
            if (item.isRollupAll() || !item.getRollup().isEmpty()) {
                throw unsupported("rollup in groupby");
            }
            keys.add(groupingValue(item.getPath()));
        }
        List<AggregateExpression> aggregates = new ArrayList<>();
        if (groupBy.getApplyOption() != null) {
            for (ApplyItem item : groupBy.getApplyOption().getApplyItems()) {
                if (item instanceof Aggregate aggregate) {
                    aggregates.addAll(aggregate.getExpressions());
                } else {
                    throw unsupported("transformations other than aggregate inside groupby");
                }
            }
        }
        group(keys, aggregates);
    }

    private Column groupingValue(List<UriResource> path) {
        String name = Paths.name(path);
        if (name == null) {
            throw unsupported("this kind of grouping property");
        }
        Operand value = computed.get(name);
        if (value == null) {
            value = Paths.resolve(path, translator("$apply"));
        }
        return new Column(name, value.sql(), value.type());
    }

    private void group(List<Column> keys, List<AggregateExpression> aggregates) {
        requireUngrouped(keys.isEmpty() ? "aggregate" : "groupby");
        inner.addAll(keys);
        groupingColumns = keys.size();
        for (AggregateExpression aggregate : aggregates) {
            inner.add(aggregate(aggregate));
        }
        grouped = true;
        order = List.of();
        for (int i = 0; i < inner.size(); i++) {
            Column column = inner.get(i);
            if (names.containsKey(column.name())) {
                throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$apply",
                        column.name() + " is in the result twice");
            }
            names.put(column.name(), Operand.of(new SqlFragment("g.c" + i, List.of(), column.sql().nullable()),
                    column.type()));
        }
    }

    private Column aggregate(AggregateExpression aggregate) {
        if (!aggregate.getFrom().isEmpty()) {
            throw unsupported("from in aggregate");
        }
        if (aggregate.getInlineAggregateExpression() != null) {
            throw unsupported("aggregating the properties of a navigation in aggregate");
        }
        if (aggregate.getCustomMethod() != null) {
            throw unsupported("the custom aggregation method " + aggregate.getCustomMethod());
        }
        List<UriResource> path = aggregate.getPath();
        if (path != null && !path.isEmpty() && path.get(path.size() - 1) instanceof UriResourceCount) {
            if (path.size() > 1) {
                throw unsupported("counting a navigation's entities in aggregate");
            }
            return new Column(aggregate.getAlias(), SqlFragment.of("COUNT(*)"), ValueType.INTEGER);
        }
        if (aggregate.getExpression() == null || aggregate.getStandardMethod() == null) {
            throw unsupported("custom aggregates");
        }
        Operand value = translator("$apply").value(aggregate.getExpression());
        if (value.type() == null) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$apply",
                    "aggregate needs a value with a type for " + aggregate.getAlias());
        }
        SqlFragment sql = value.typedSql();
        return switch (aggregate.getStandardMethod()) {
            case SUM -> {
                requireNumber(value, "sum");
                yield value.type() == ValueType.INTEGER
                        ? new Column(aggregate.getAlias(), SqlFragment.format("SUM({})", sql).withNullable(true),
                        ValueType.INTEGER)
                        : new Column(aggregate.getAlias(), SqlFragment.format("CAST(SUM({}) AS " + Arithmetic.DECIMAL
                        + ")", sql).withNullable(true), ValueType.DECIMAL);
            }
            case AVERAGE -> {
                requireNumber(value, "average");
                // One scale on both stores: H2 and PostgreSQL give averages different numbers of digits.
                yield new Column(aggregate.getAlias(), SqlFragment.format("CAST(AVG(CAST({} AS " + Arithmetic.DECIMAL
                        + ")) AS " + Arithmetic.DECIMAL + ")", sql).withNullable(true), ValueType.DECIMAL);
            }
            case MIN -> {
                requireOrder(value, "min");
                yield new Column(aggregate.getAlias(), SqlFragment.format("MIN({})", sql).withNullable(true),
                        value.type());
            }
            case MAX -> {
                requireOrder(value, "max");
                yield new Column(aggregate.getAlias(), SqlFragment.format("MAX({})", sql).withNullable(true),
                        value.type());
            }
            case COUNT_DISTINCT -> new Column(aggregate.getAlias(), SqlFragment.format("COUNT(DISTINCT {})", sql),
                    ValueType.INTEGER);
        };
    }

    /** Booleans have no order to take a minimum or maximum of (PostgreSQL has no MIN of booleans). */
    private static void requireOrder(Operand value, String method) {
        if (value.type() == ValueType.BOOLEAN) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$apply",
                    "with " + method + " aggregates values that have an order, not booleans");
        }
    }

    private static void requireNumber(Operand value, String method) {
        if (!value.type().isNumeric()) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$apply",
                    "with " + method + " aggregates numbers only");
        }
    }

    private void select(SelectOption select) {
        if (select == null || select.getSelectItems().stream().anyMatch(SelectItem::isStar)) {
            selected = List.copyOf(names.keySet());
            return;
        }
        List<String> list = new ArrayList<>();
        for (SelectItem item : select.getSelectItems()) {
            String name = item.getResourcePath() == null ? null
                    : Paths.name(item.getResourcePath().getUriResourceParts());
            if (name == null || !names.containsKey(name)) {
                throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$select",
                        "After $apply, $select can name the grouped properties and the aggregated values only");
            }
            list.add(name);
        }
        selected = names.keySet().stream().filter(list::contains).toList();
    }

    /**
     * The values of a result that is the entities themselves ({@code $compute}, or {@code $apply} with neither
     * groupby nor aggregate): the selected properties, or all, with the computed ones; then, not shown, the key and
     * what else the service reads for itself.
     */
    private void selectEntities(ColumnMap.Table table, SelectOption select, Set<String> alsoRead) {
        Map<String, Operand> available = new LinkedHashMap<>();
        for (ColumnMap.Column column : table.allColumns()) {
            available.put(column.property(), column.kind() == ColumnMap.Kind.STRING_LIST ? null
                    : Operand.of(block.root().column(column, column.nullable()), ValueType.of(column.kind())));
        }
        available.putAll(computed);
        List<String> shown = new ArrayList<>();
        if (select == null || select.getSelectItems().stream().anyMatch(SelectItem::isStar)) {
            shown.addAll(available.keySet());
        } else {
            for (SelectItem item : select.getSelectItems()) {
                String name = item.getResourcePath() == null ? null
                        : Paths.name(item.getResourcePath().getUriResourceParts());
                if (name == null || !available.containsKey(name)) {
                    throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$select",
                            "$select supports the entity's own properties and computed ones only");
                }
                shown.add(name);
            }
            if (!shown.contains(table.key().property())) {
                shown.add(0, table.key().property());
            }
        }
        List<String> extra = new ArrayList<>();
        for (String name : alsoRead) {
            if (!shown.contains(name) && available.containsKey(name)) {
                extra.add(name);
            }
        }
        for (String name : shown) {
            if (available.get(name) == null) {
                throw unsupported("lists of values in a computed result (" + name + ")");
            }
        }
        shown.forEach(name -> names.put(name, available.get(name)));
        extra.forEach(name -> names.put(name, available.get(name)));
        selected = List.copyOf(shown);
        hidden = List.copyOf(extra);
    }

    private FilterTranslator translator(String target) {
        return grouped ? new FilterTranslator(block, target, names, true)
                : new FilterTranslator(block, target, computed, false);
    }

    private boolean limited() {
        return offset > 0 || limit != null;
    }

    private void requireUnlimited(String transformation) {
        if (limited()) {
            throw unsupported(transformation + " after top or skip");
        }
    }

    private void requireUngrouped(String transformation) {
        if (grouped) {
            throw unsupported(transformation + " after groupby or aggregate (aggregating an aggregated result)");
        }
        requireUnlimited(transformation);
    }

    private static ServiceException unsupported(String what) {
        return new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$apply",
                "$apply does not support " + what);
    }

    /**
     * The names of the result's values, in order; a navigation path's name has its segments ({@code Patient/id}).
     * The first {@link #shown()} are the answer's; the rest the service reads for itself (the key, for the audit
     * trail).
     */
    List<String> names() {
        List<String> all = new ArrayList<>(selected);
        all.addAll(hidden);
        return all;
    }

    /** How many of the {@link #names()} the answer shows. */
    int shown() {
        return selected.size();
    }

    /** The types of the result's values, in the order of {@link #names()}. */
    List<ValueType> types() {
        return names().stream().map(name -> names.get(name).type()).toList();
    }

    /** How the store reads a result row. */
    RowLayout layout() {
        return RowLayout.values(types().stream().map(ValueType::readKind).toList());
    }

    /**
     * The rows from the {@code delivered}-th on (after {@code $skip}), at most {@code pageRows} plus one, which tells
     * whether more follow, and no more than {@code $top} allows.
     *
     * @param skip the request's {@code $skip}, or null
     * @param top  the request's {@code $top}, or null
     */
    SqlFragment rows(Integer skip, Integer top, long delivered, int pageRows) {
        long start = (skip == null ? 0 : skip) + delivered;
        long remaining = Long.MAX_VALUE;
        if (limit != null) {
            remaining = limit - start;
        }
        if (top != null) {
            remaining = Math.min(remaining, top - delivered);
        }
        long rows = Math.max(0, Math.min(remaining, pageRows + 1L));
        List<SqlFragment> columns = new ArrayList<>();
        for (String name : names()) {
            columns.add(names.get(name).sql());
        }
        return SqlFragment.format("SELECT {}{} ORDER BY {} LIMIT {} OFFSET {}", SqlFragment.join(", ", columns),
                source(), orderBy(), SqlFragment.param(rows), SqlFragment.param(offset + start));
    }

    /** The number of rows of the result, ignoring the request's {@code $top}, {@code $skip} and paging. */
    SqlFragment count() {
        if (!limited()) {
            return SqlFragment.format("SELECT COUNT(*){}", source());
        }
        return SqlFragment.format("SELECT COUNT(*) FROM (SELECT 1 AS one{} ORDER BY {} LIMIT {} OFFSET {}) c",
                source(), orderBy(), SqlFragment.param(limit == null ? Long.MAX_VALUE : limit),
                SqlFragment.param(offset));
    }

    /**
     * {@code FROM (<the grouping statement>) g WHERE <filters after the grouping>}; for entities, the table's rows
     * where the conditions hold.
     */
    private SqlFragment source() {
        if (!grouped) {
            return block.from(where);
        }
        SqlFragment filters = after.isEmpty() ? SqlFragment.of("")
                : SqlFragment.format(" WHERE {}", SqlFragment.join(" AND ", after));
        if (union != null) {
            return SqlFragment.format(" FROM ({}) u{}", union, filters);
        }
        List<SqlFragment> columns = new ArrayList<>();
        for (int i = 0; i < inner.size(); i++) {
            columns.add(SqlFragment.format("{} AS c" + i, inner.get(i).sql()));
        }
        List<String> groupBy = new ArrayList<>();
        for (int i = 0; i < groupingColumns; i++) {
            groupBy.add("c" + i);
        }
        SqlFragment statement = SqlFragment.format("SELECT {}{}" + (groupBy.isEmpty() ? ""
                : " GROUP BY " + String.join(", ", groupBy)), SqlFragment.join(", ", columns), block.from(where));
        return SqlFragment.format(" FROM ({}) g{}", statement, filters);
    }

    /** The requested order, then the grouping values or the entity key: a total order, as paging needs. */
    private SqlFragment orderBy() {
        List<SqlFragment> keys = new ArrayList<>();
        for (SortKey key : order) {
            keys.add(SqlFragment.format("{}" + key.orderBy(""), key.sql()));
        }
        if (!grouped) {
            keys.add(SqlFragment.of(block.root().column(block.root().table().key(), false).sql() + " ASC"));
        }
        for (int i = 0; i < groupingColumns; i++) {
            Column column = inner.get(i);
            keys.add(SqlFragment.of(new SortKey(SqlFragment.of(""), column.type(), false, column.sql().nullable())
                    .orderBy("g.c" + i)));
        }
        if (union != null) {
            // branch by branch; within one, its rows differ in their values (grouping values are unique)
            keys.add(SqlFragment.of("u.b ASC"));
            for (int i = 0; i < unionColumns; i++) {
                keys.add(SqlFragment.of("u.c" + i + " ASC NULLS FIRST"));
            }
        }
        if (keys.isEmpty()) {
            keys.add(SqlFragment.of("1"));
        }
        return SqlFragment.join(", ", keys);
    }
}
