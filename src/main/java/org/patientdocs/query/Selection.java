package org.patientdocs.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.FilterOption;
import org.apache.olingo.server.api.uri.queryoption.OrderByItem;
import org.apache.olingo.server.api.uri.queryoption.OrderByOption;
import org.apache.olingo.server.api.uri.queryoption.SearchOption;
import org.apache.olingo.server.api.uri.queryoption.SelectItem;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.api.uri.queryoption.expression.Binary;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.Literal;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;
import org.apache.olingo.server.api.uri.queryoption.expression.Method;
import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * What every statement over a collection shares, whatever its shape (a page, a count, an expanded level): the
 * {@code FROM} block, the conditions of {@code $filter} and {@code $search}, the columns read and the sort keys.
 */
final class Selection {

    private final Block block;
    private final List<SqlFragment> conditions;
    private final List<ColumnMap.Column> columns;
    private final List<SortKey> keys;
    /** The computed properties shown, by name, in order: read after the columns. */
    private final Map<String, Operand> computed;

    private Selection(Block block, List<SqlFragment> conditions, List<ColumnMap.Column> columns,
                      List<SortKey> keys, Map<String, Operand> computed) {
        this.block = block;
        this.conditions = conditions;
        this.columns = columns;
        this.keys = keys;
        this.computed = computed;
    }

    /**
     * @param required columns read even when {@code $select} leaves them out (a navigation's foreign key)
     */
    static Selection of(QueryContext context, ColumnMap.Table table, FilterOption filter, SearchOption search,
                        OrderByOption orderBy, SelectOption select, Set<String> required) {
        return of(context, table, filter, search, orderBy, select, required, null);
    }

    /**
     * @param computation the computed properties ({@code $compute} of an expand item), which the conditions and the
     *                    order may use, or null
     */
    static Selection of(QueryContext context, ColumnMap.Table table, FilterOption filter, SearchOption search,
                        OrderByOption orderBy, SelectOption select, Set<String> required, Computation computation) {
        Block block = new Block(context, table);
        Map<String, Operand> values = computation == null ? Map.of() : computation.values(block);
        List<SqlFragment> conditions = new ArrayList<>();
        if (filter != null) {
            conditions.add(translator(block, "$filter", values).condition(filter.getExpression()));
        }
        if (computation != null) {
            computation.filters().forEach(f -> conditions.add(translator(block, "$filter", values).condition(f)));
        }
        if (search != null) {
            conditions.add(new SearchTranslator(block).condition(search.getSearchExpression()));
        }
        Set<ColumnMap.Column> columns = new LinkedHashSet<>(selectedColumns(table, select, computation));
        for (String name : required) {
            columns.add(table.columnNamed(name));
        }
        columns.add(table.version());
        Map<String, Operand> shown = new LinkedHashMap<>();
        if (computation != null) {
            values.forEach((name, value) -> {
                if (computation.shown().contains(name)) {
                    shown.put(name, value);
                }
            });
        }
        OrderByOption order = computation != null && computation.orderBy() != null ? computation.orderBy() : orderBy;
        return new Selection(block, conditions, List.copyOf(columns), sortKeys(block, filter, order, values),
                shown);
    }

    private static FilterTranslator translator(Block block, String target, Map<String, Operand> computed) {
        return computed.isEmpty() ? new FilterTranslator(block, target)
                : new FilterTranslator(block, target, computed, false);
    }

    /**
     * The declared properties selected; with computed properties chosen by a {@code $select} that names no declared
     * property, the key alone.
     */
    static List<ColumnMap.Column> selectedColumns(ColumnMap.Table table, SelectOption select,
                                                  Computation computation) {
        if (select == null && computation != null && computation.selectGiven()) {
            return List.of(table.key());
        }
        return selectedColumns(table, select, computation == null ? Set.of() : computation.names());
    }

    static List<ColumnMap.Column> selectedColumns(ColumnMap.Table table, SelectOption select) {
        return selectedColumns(table, select, Set.<String>of());
    }

    /** @param computed names of computed properties, which a collection's {@code $select} may name beside */
    private static List<ColumnMap.Column> selectedColumns(ColumnMap.Table table, SelectOption select,
                                                          Set<String> computed) {
        if (select == null || select.getSelectItems().stream().anyMatch(SelectItem::isStar)) {
            return table.allColumns();
        }
        Set<ColumnMap.Column> columns = new LinkedHashSet<>();
        columns.add(table.key());
        for (SelectItem item : select.getSelectItems()) {
            List<UriResource> parts = item.getResourcePath() == null ? List.of()
                    : item.getResourcePath().getUriResourceParts();
            if (parts.size() == 1 && computed.contains(Paths.name(parts))) {
                continue;
            }
            if (parts.size() != 1 || !(parts.get(0) instanceof UriResourcePrimitiveProperty property)) {
                throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$select",
                        "$select supports the entity's own properties only");
            }
            columns.add(table.column(property.getProperty().getName()));
        }
        return List.copyOf(columns);
    }

    /**
     * The $orderby keys, then the entity key unless already there, so that every order is total. Properties that
     * $filter holds equal to a value lead: constant over the result, they change no order, but with them an index
     * that starts with the property serves the order (H2 sorts all matches of {@code document_type eq 'Referral'}
     * by key otherwise, while the index on (document_type, id) has them in that order already). Those properties
     * and the appended key take the direction of the first $orderby item, so that one index serves an order read
     * forwards and its reverse read backwards ({@code $orderby=uploaded_at desc} is uploaded_at, then key, both
     * descending): rows equal in every $orderby key come in the order of their key, ascending or descending as the
     * first $orderby item is.
     */
    private static List<SortKey> sortKeys(Block block, FilterOption filter, OrderByOption orderBy,
                                          Map<String, Operand> computed) {
        List<Operand> pinned = new ArrayList<>();
        if (filter != null) {
            FilterTranslator translator = translator(block, "$filter", computed);
            for (Member property : pinnedProperties(filter.getExpression())) {
                if (indexedForRows(block, property)) {
                    pinned.add(translator.value(property));
                }
            }
        }
        List<SortKey> ordered = new ArrayList<>();
        if (orderBy != null) {
            FilterTranslator translator = translator(block, "$orderby", computed);
            for (OrderByItem item : orderBy.getOrders()) {
                Operand value = translator.value(item.getExpression());
                if (value.isNull() || value.type() == null) {
                    continue;
                }
                if (value.isLiteral()) {
                    // A constant orders nothing; leaving it out keeps the keyset token small.
                    continue;
                }
                if (pinned.stream().noneMatch(p -> same(p.sql(), value.sql())) && !contains(ordered, value.sql())) {
                    ordered.add(new SortKey(value.sql(), value.type(), item.isDescending(), value.nullable()));
                }
            }
        }
        boolean descending = orderBy != null && !orderBy.getOrders().isEmpty()
                && orderBy.getOrders().get(0).isDescending();
        List<SortKey> keys = new ArrayList<>();
        for (Operand value : pinned) {
            if (!contains(keys, value.sql())) {
                keys.add(new SortKey(value.sql(), value.type(), descending, false));
            }
        }
        keys.addAll(ordered);
        SqlFragment key = block.root().column(block.root().table().key(), false);
        if (!contains(keys, key)) {
            keys.add(new SortKey(key, ValueType.of(block.root().table().key().kind()), descending, false));
        }
        return List.copyOf(keys);
    }

    /**
     * Whether ordering by a property the filter holds equal can help: unless the store's indexes are known (H2), the
     * database decides, and the key costs nothing; with them, only where an index could find the rows by it. An
     * unindexed one ({@code content_type eq 'application/pdf'}) first in the order would keep an index on the
     * property ordered by from serving the order.
     */
    private static boolean indexedForRows(Block block, Member property) {
        Indexes indexes = block.context().indexes();
        ColumnMap.Table table = block.root().table();
        ColumnMap.Column column = table.columns().get(ownPropertyName(property));
        if (!indexes.known() || column == null) {
            return true;
        }
        Set<String> held = table.tenant() == null ? Set.of() : Set.of(table.tenant().name());
        return indexes.couldFind(table.name(), held, column.name());
    }

    /**
     * The entity's own properties the filter narrows the rows by in a way an index range could find them, other than
     * those it holds equal to a value: in a conjunct at its top, {@code in} a list, {@code startswith} a literal, or
     * between two bounds ({@code ge} and {@code lt} on the same property). A bound on one side only
     * ({@code file_size_bytes gt 100000}) usually keeps most rows and is not counted, nor is anything the database
     * cannot look up in an index ({@code or}, {@code not}, functions of a property). A lambda's properties are
     * another entity's.
     */
    static Set<String> narrowingProperties(FilterOption filter) {
        Set<String> found = new LinkedHashSet<>();
        if (filter != null) {
            Set<String> lower = new HashSet<>();
            Set<String> upper = new HashSet<>();
            for (Expression conjunct : conjuncts(filter.getExpression(), new ArrayList<>())) {
                if (conjunct instanceof Binary binary) {
                    String left = ownPropertyName(binary.getLeftOperand());
                    String right = binary.getRightOperand() == null ? null : ownPropertyName(binary.getRightOperand());
                    String property = left != null ? left : right;
                    boolean flipped = left == null;
                    if (property == null) {
                        continue;
                    }
                    switch (binary.getOperator()) {
                        case IN -> found.add(property);
                        case GT, GE -> (flipped ? upper : lower).add(property);
                        case LT, LE -> (flipped ? lower : upper).add(property);
                        default -> { }
                    }
                } else if (conjunct instanceof Method method && method.getMethod() == MethodKind.STARTSWITH) {
                    String property = ownPropertyName(method.getParameters().get(0));
                    if (property != null) {
                        found.add(property);
                    }
                }
            }
            lower.stream().filter(upper::contains).forEach(found::add);
            found.removeAll(pinnedProperties(filter));
        }
        return found;
    }

    private static List<Expression> conjuncts(Expression expression, List<Expression> found) {
        if (expression instanceof Binary binary && binary.getOperator() == BinaryOperatorKind.AND) {
            conjuncts(binary.getLeftOperand(), found);
            conjuncts(binary.getRightOperand(), found);
        } else {
            found.add(expression);
        }
        return found;
    }

    private static String ownPropertyName(Expression expression) {
        if (expression instanceof Member member && !member.isCollection()) {
            List<UriResource> parts = member.getResourcePath().getUriResourceParts();
            if (parts.size() == 1 && parts.get(0) instanceof UriResourcePrimitiveProperty property) {
                return property.getProperty().getName();
            }
        }
        return null;
    }

    /** The entity's own properties the filter holds equal to a value ({@link #sortKeys} puts them first). */
    static Set<String> pinnedProperties(FilterOption filter) {
        Set<String> pinned = new LinkedHashSet<>();
        if (filter != null) {
            for (Member member : pinnedProperties(filter.getExpression())) {
                pinned.add(ownPropertyName(member));
            }
        }
        return pinned;
    }

    private static boolean same(SqlFragment a, SqlFragment b) {
        return a.sql().equals(b.sql()) && a.params().equals(b.params());
    }

    private static boolean contains(List<SortKey> keys, SqlFragment sql) {
        return keys.stream().anyMatch(k -> same(k.sql(), sql));
    }

    /**
     * The entity's own properties that a conjunct at the top of the filter compares with {@code eq} to a literal
     * other than null: every row of the result has the same value there.
     */
    private static List<Member> pinnedProperties(Expression expression) {
        List<Member> pinned = new ArrayList<>();
        if (expression instanceof Binary binary && binary.getOperator() == BinaryOperatorKind.AND) {
            pinned.addAll(pinnedProperties(binary.getLeftOperand()));
            pinned.addAll(pinnedProperties(binary.getRightOperand()));
        } else if (expression instanceof Binary binary && binary.getOperator() == BinaryOperatorKind.EQ) {
            Member property = ownProperty(binary.getLeftOperand(), binary.getRightOperand());
            if (property == null) {
                property = ownProperty(binary.getRightOperand(), binary.getLeftOperand());
            }
            if (property != null) {
                pinned.add(property);
            }
        }
        return pinned;
    }

    /** {@code member} when it is a property of the entity itself and {@code value} a literal other than null. */
    private static Member ownProperty(Expression member, Expression value) {
        if (!(value instanceof Literal literal) || literal.getText() == null || literal.getText().equals("null")) {
            return null;
        }
        return ownPropertyName(member) == null ? null : (Member) member;
    }

    Block block() {
        return block;
    }

    Block.Binding root() {
        return block.root();
    }

    List<ColumnMap.Column> columns() {
        return columns;
    }

    List<SortKey> keys() {
        return keys;
    }

    /** The computed properties shown, by name, in order; read after the {@link #columns()}. */
    Map<String, Operand> computed() {
        return computed;
    }

    /** Where the rows' computed values are: after the columns. */
    ComputedValues computedValues() {
        return new ComputedValues(List.copyOf(computed.keySet()),
                computed.values().stream().map(Operand::type).toList(), columns.size());
    }

    /** How the store reads the columns, then the computed values. */
    RowLayout layout() {
        return RowLayout.of(root().table(), columns).withValues(computed.values().stream()
                .map(value -> value.type().readKind()).toList());
    }

    /** {@code FROM} and {@code WHERE} with the conditions and any extra ones ({@link Block#from}). */
    SqlFragment from(List<SqlFragment> extra) {
        return from(extra, null);
    }

    /** {@link #from(List)} reading the root table through the named index ({@link Indexes}); null: any. */
    SqlFragment from(List<SqlFragment> extra, String index) {
        List<SqlFragment> all = new ArrayList<>(extra);
        all.addAll(conditions);
        return block.from(all, index);
    }

    /** The read columns, qualified by the root alias. */
    SqlFragment columnList() {
        List<SqlFragment> list = new ArrayList<>();
        for (ColumnMap.Column column : columns) {
            list.add(root().column(column, column.nullable()));
        }
        computed.values().forEach(value -> list.add(value.sql()));
        return SqlFragment.join(", ", list);
    }

    /** The sort keys as output columns {@code k0, k1, …}. */
    SqlFragment keyList() {
        List<SqlFragment> list = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            list.add(SqlFragment.format("{} AS k" + i, keys.get(i).sql()));
        }
        return SqlFragment.join(", ", list);
    }

    /** ORDER BY over the output columns k0, k1, …; the keys' parameters are not repeated. */
    String orderByOutput() {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            list.add(keys.get(i).orderBy("k" + i));
        }
        return String.join(", ", list);
    }

    /** ORDER BY over the key expressions themselves (inside window functions). */
    SqlFragment orderByKeys() {
        return orderByKeys(0);
    }

    /** ORDER BY over the key expressions from the one at {@code first} on. */
    SqlFragment orderByKeys(int first) {
        List<SqlFragment> list = new ArrayList<>();
        for (SortKey key : keys.subList(first, keys.size())) {
            list.add(SqlFragment.format("{}" + key.orderBy(""), key.sql()));
        }
        return SqlFragment.join(", ", list);
    }
}
