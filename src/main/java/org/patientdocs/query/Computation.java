package org.patientdocs.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.olingo.server.api.uri.queryoption.ApplyItem;
import org.apache.olingo.server.api.uri.queryoption.ApplyOption;
import org.apache.olingo.server.api.uri.queryoption.OrderByOption;
import org.apache.olingo.server.api.uri.queryoption.SelectItem;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.api.uri.queryoption.apply.Compute;
import org.apache.olingo.server.api.uri.queryoption.apply.ComputeExpression;
import org.apache.olingo.server.api.uri.queryoption.apply.Filter;
import org.apache.olingo.server.api.uri.queryoption.apply.OrderBy;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Computed properties of entities, read through the same statements as the entities' own ({@link Selection}).
 * <ul>
 * <li>The {@code $compute} of an {@code $expand} item, with the item's {@code $filter} and {@code $orderby}, which
 * may name the computed properties, and of one entity ({@code Documents('…')?$compute=…}): the parser reads them as
 * an {@code $apply} in the shape {@code url.ComputeText} gives it: {@code compute(all)}, or
 * {@code compute(shown)/compute(hidden)} (either may be {@code identity}) when the {@code $select} says which
 * computed properties the answer shows; then {@code filter(…)} and {@code orderby(…)} ({@link #of}).</li>
 * <li>A collection's {@code $compute} ({@code $apply} of {@code compute} transformations only, {@link #ofCollection}):
 * the request's own {@code $select} names the computed properties shown, and its {@code $filter} and
 * {@code $orderby} use them.</li>
 * </ul>
 */
final class Computation {

    private final List<ComputeExpression> expressions;
    /** The computed properties the answer shows, in the order they were computed. */
    private final Set<String> shown;
    /** Whether the item's {@code $select} chose the properties shown: then a select of none keeps the key only. */
    private final boolean selectGiven;
    private final List<Expression> filters;
    private final OrderByOption orderBy;

    private Computation(List<ComputeExpression> expressions, Set<String> shown, boolean selectGiven,
                        List<Expression> filters, OrderByOption orderBy) {
        this.expressions = expressions;
        this.shown = shown;
        this.selectGiven = selectGiven;
        this.filters = filters;
        this.orderBy = orderBy;
    }

    /** The computation of an expand item's {@code $apply}; null when it has none. */
    static Computation of(ApplyOption apply) {
        if (apply == null) {
            return null;
        }
        List<ApplyItem> items = apply.getApplyItems();
        int leading = 0;
        List<ComputeExpression> expressions = new ArrayList<>();
        Set<String> shown = new LinkedHashSet<>();
        while (leading < items.size() && (items.get(leading).getKind() == ApplyItem.Kind.COMPUTE
                || items.get(leading).getKind() == ApplyItem.Kind.IDENTITY)) {
            if (items.get(leading) instanceof Compute compute) {
                expressions.addAll(compute.getExpressions());
                if (leading == 0) {
                    compute.getExpressions().forEach(e -> shown.add(e.getAlias()));
                }
            }
            leading++;
        }
        List<Expression> filters = new ArrayList<>();
        OrderByOption orderBy = null;
        for (ApplyItem item : items.subList(leading, items.size())) {
            if (item instanceof Filter filter) {
                filters.add(filter.getFilterOption().getExpression());
            } else if (item instanceof OrderBy order && orderBy == null) {
                orderBy = order.getOrderByOption();
            } else {
                throw unsupported();
            }
        }
        if (leading < 1 || leading > 2) {
            throw unsupported();
        }
        return new Computation(List.copyOf(expressions), shown, leading == 2, filters, orderBy);
    }

    /**
     * The computation of a collection's {@code $apply} when it only computes ({@code $compute=…}, which the parser
     * reads as {@code $apply=compute(…)}), so that the result is the entities themselves; null otherwise.
     *
     * @param select the request's {@code $select}, whose items name the computed properties shown: all of them
     *               without one or with {@code *}
     */
    static Computation ofCollection(ApplyOption apply, SelectOption select) {
        if (!computesOnly(apply)) {
            return null;
        }
        List<ComputeExpression> expressions = new ArrayList<>();
        apply.getApplyItems().stream().filter(Compute.class::isInstance)
                .forEach(item -> expressions.addAll(((Compute) item).getExpressions()));
        Set<String> shown = new LinkedHashSet<>();
        boolean all = select == null || select.getSelectItems().stream().anyMatch(SelectItem::isStar);
        for (ComputeExpression expression : expressions) {
            if (all || select.getSelectItems().stream().anyMatch(item -> item.getResourcePath() != null
                    && expression.getAlias().equals(Paths.name(item.getResourcePath().getUriResourceParts())))) {
                shown.add(expression.getAlias());
            }
        }
        return new Computation(List.copyOf(expressions), shown, false, List.of(), null);
    }

    /** Whether an {@code $apply} only computes properties of the entities (no filter, grouping or order in it). */
    static boolean computesOnly(ApplyOption apply) {
        return apply != null && !apply.getApplyItems().isEmpty() && apply.getApplyItems().stream()
                .allMatch(item -> item.getKind() == ApplyItem.Kind.COMPUTE
                        || item.getKind() == ApplyItem.Kind.IDENTITY);
    }

    private static ServiceException unsupported() {
        return new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$expand",
                "$expand supports $compute with $select, $filter and $orderby inside it, not $apply");
    }

    /** Every computed property's value over the block's rows, by alias, in order. */
    Map<String, Operand> values(Block block) {
        Map<String, Operand> values = new LinkedHashMap<>();
        for (ComputeExpression expression : expressions) {
            Operand value = new FilterTranslator(block, "$compute", values, false).value(expression.getExpression());
            if (value.type() == null) {
                throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, "$compute",
                        "$compute needs a value with a type for " + expression.getAlias());
            }
            values.put(expression.getAlias(), value);
        }
        return values;
    }

    /** Every computed property's name, shown or not. */
    Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        expressions.forEach(expression -> names.add(expression.getAlias()));
        return names;
    }

    Set<String> shown() {
        return shown;
    }

    boolean selectGiven() {
        return selectGiven;
    }

    List<Expression> filters() {
        return filters;
    }

    OrderByOption orderBy() {
        return orderBy;
    }
}
