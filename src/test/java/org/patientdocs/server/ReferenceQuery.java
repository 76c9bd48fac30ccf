package org.patientdocs.server;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriResourceCount;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.apache.olingo.server.api.uri.queryoption.CountOption;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.api.uri.queryoption.FilterOption;
import org.apache.olingo.server.api.uri.queryoption.OrderByItem;
import org.apache.olingo.server.api.uri.queryoption.OrderByOption;
import org.apache.olingo.server.api.uri.queryoption.SearchOption;
import org.apache.olingo.server.api.uri.queryoption.SelectItem;
import org.apache.olingo.server.api.uri.queryoption.SelectOption;
import org.apache.olingo.server.api.uri.queryoption.SkipOption;
import org.apache.olingo.server.api.uri.queryoption.TopOption;
import org.apache.olingo.server.api.uri.queryoption.search.SearchBinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.search.SearchExpression;

/**
 * Answers a collection request in Java over the dataset, the way the service documents it: filter, search, order
 * (nulls first ascending, the key last), skip, top, select, expand with its nested options, counts. Results are
 * normalised to text values so they compare with what the service sends.
 */
final class ReferenceQuery {

    static final List<String> DOCUMENT_SEARCH = List.of("file_name", "description", "document_type");
    static final List<String> PATIENT_SEARCH = List.of("first_name", "last_name");

    /** The expected rows and, when requested, the count. */
    record Result(List<Map<String, Object>> rows, Long count) {
    }

    private final QueryDataset data;
    private final List<AliasQueryOption> aliases;

    ReferenceQuery(QueryDataset data, List<AliasQueryOption> aliases) {
        this.data = data;
        this.aliases = aliases;
    }

    /** @param patient for {@code Patients('x')/Documents}, the patient; else null */
    Result collection(String set, String patient, UriInfo uri) {
        List<Map<String, Object>> rows = new ArrayList<>(set.equals("Patients") ? data.patients : data.documents);
        if (patient != null) {
            rows.removeIf(d -> !d.get("patient_id").equals(patient));
        }
        List<Map<String, Object>> matching = matching(set, rows, uri.getFilterOption(), uri.getSearchOption());
        List<Map<String, Object>> page = page(set, matching, uri.getOrderByOption(), uri.getSkipOption(),
                uri.getTopOption());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> row : page) {
            out.add(project(set, row, uri.getSelectOption(), uri.getExpandOption()));
        }
        return new Result(out, (long) matching.size());
    }

    private List<Map<String, Object>> matching(String set, List<Map<String, Object>> rows, FilterOption filter,
                                               SearchOption search) {
        List<Map<String, Object>> kept = ReferenceEvaluator.filter(data, aliases, rows,
                filter == null ? null : filter.getExpression(), set);
        if (search != null) {
            List<String> columns = set.equals("Patients") ? PATIENT_SEARCH : DOCUMENT_SEARCH;
            kept.removeIf(row -> !search(search.getSearchExpression(), row, columns));
        }
        return kept;
    }

    private static boolean search(SearchExpression expression, Map<String, Object> row, List<String> columns) {
        if (expression.isSearchTerm()) {
            String term = lower(expression.asSearchTerm().getSearchTerm());
            return columns.stream().map(row::get).anyMatch(v -> v != null && lower((String) v).contains(term));
        }
        if (expression.isSearchUnary()) {
            return !search(expression.asSearchUnary().getOperand(), row, columns);
        }
        boolean left = search(expression.asSearchBinary().getLeftOperand(), row, columns);
        boolean right = search(expression.asSearchBinary().getRightOperand(), row, columns);
        return expression.asSearchBinary().getOperator() == SearchBinaryOperatorKind.AND ? left && right
                : left || right;
    }

    private static String lower(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return out.toString();
    }

    private List<Map<String, Object>> page(String set, List<Map<String, Object>> rows, OrderByOption orderBy,
                                           SkipOption skip, TopOption top) {
        List<Map<String, Object>> sorted = new ArrayList<>(rows);
        sorted.sort(order(set, orderBy));
        int from = Math.min(sorted.size(), skip == null ? 0 : skip.getValue());
        int to = top == null ? sorted.size() : (int) Math.min(sorted.size(), (long) from + top.getValue());
        return sorted.subList(from, to);
    }

    private Comparator<Map<String, Object>> order(String set, OrderByOption orderBy) {
        Comparator<Map<String, Object>> order = (a, b) -> 0;
        if (orderBy != null) {
            for (OrderByItem item : orderBy.getOrders()) {
                Comparator<Map<String, Object>> key = (a, b) -> {
                    Object x = new ReferenceEvaluator(data, aliases, a, set).evaluate(item.getExpression());
                    Object y = new ReferenceEvaluator(data, aliases, b, set).evaluate(item.getExpression());
                    int c = x == null ? (y == null ? 0 : -1) : y == null ? 1 : ReferenceEvaluator.compare(x, y);
                    return item.isDescending() ? -c : c;
                };
                order = order.thenComparing(key);
            }
        }
        // Ties are in the order of the key, descending when the first $orderby item is.
        Comparator<Map<String, Object>> byKey = Comparator.comparing(row -> (String) row.get("id"));
        boolean descending = orderBy != null && !orderBy.getOrders().isEmpty()
                && orderBy.getOrders().get(0).isDescending();
        return order.thenComparing(descending ? byKey.reversed() : byKey);
    }

    private Map<String, Object> project(String set, Map<String, Object> row, SelectOption select,
                                        ExpandOption expand) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean all = select == null || select.getSelectItems().stream().anyMatch(SelectItem::isStar);
        for (Map.Entry<String, Object> property : row.entrySet()) {
            boolean selected = all || property.getKey().equals("id") || select.getSelectItems().stream()
                    .anyMatch(i -> i.getResourcePath().getUriResourceParts().get(0).getSegmentValue()
                            .equals(property.getKey()));
            if (selected) {
                out.put(property.getKey(), normalise(property.getValue()));
            }
        }
        if (expand != null) {
            for (ExpandItem item : expand.getExpandItems()) {
                expand(set, row, item, out);
            }
        }
        return out;
    }

    private void expand(String set, Map<String, Object> row, ExpandItem item, Map<String, Object> out) {
        UriResourceNavigation navigation = (UriResourceNavigation) item.getResourcePath().getUriResourceParts().get(0);
        String name = navigation.getProperty().getName();
        boolean countOnly = item.getResourcePath().getUriResourceParts().size() > 1
                && item.getResourcePath().getUriResourceParts().get(1) instanceof UriResourceCount;
        ReferenceEvaluator evaluator = new ReferenceEvaluator(data, aliases, row, set);
        if (name.equals("Patient")) {
            Map<String, Object> patient = evaluator.patientOf(row);
            List<Map<String, Object>> kept = matching("Patients", List.of(patient), item.getFilterOption(),
                    item.getSearchOption());
            out.put(name, kept.isEmpty() ? "null"
                    : project("Patients", patient, item.getSelectOption(), item.getExpandOption()));
            return;
        }
        List<Map<String, Object>> matching = matching("Documents", evaluator.documentsOf(row),
                item.getFilterOption(), item.getSearchOption());
        CountOption count = item.getCountOption();
        if (countOnly || count != null && count.getValue()) {
            out.put(name + "@odata.count", String.valueOf(matching.size()));
        }
        if (countOnly) {
            return;
        }
        List<Map<String, Object>> children = new ArrayList<>();
        for (Map<String, Object> child : page("Documents", matching, item.getOrderByOption(), item.getSkipOption(),
                item.getTopOption())) {
            children.add(project("Documents", child, item.getSelectOption(), item.getExpandOption()));
        }
        out.put(name, children);
    }

    /** A value as text, the way the service's JSON is normalised for comparison. */
    static Object normalise(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant().toString();
        }
        if (value instanceof LocalDate date) {
            return date.toString();
        }
        return value.toString();
    }
}
