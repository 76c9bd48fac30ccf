package org.patientdocs.url;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * {@code $compute} inside {@code $expand}, as the parser (Olingo 5) can read it, and back for links.
 *
 * <p>The parser knows no {@code $compute}, and it parses an expand item's {@code $apply} against a type of its own,
 * which the item's {@code $select}, {@code $filter} and {@code $orderby} never see: they are parsed against the
 * navigation's declared type, so a computed property named there is an unknown property. The transformations of one
 * {@code $apply} do see each other's computed properties. So an item's {@code $compute} becomes its {@code $apply},
 * and its {@code $filter} and {@code $orderby} become {@code filter} and {@code orderby} transformations after it
 * (the same rows in the same order: OData evaluates {@code $compute} before them). Its {@code $select} keeps the
 * declared properties; which computed properties it names is said by the shape of the {@code $apply}:
 * <ul>
 * <li>{@code compute(all)}: the item has no {@code $select}, or {@code *}: every computed property is shown;</li>
 * <li>{@code compute(shown)/compute(hidden)}, {@code identity} standing for an empty list: the item's
 * {@code $select} names the first list's properties (and the declared properties its {@code $select} keeps, the
 * key alone when it keeps none), not the second's.</li>
 * </ul>
 * The query service reads an expand item's {@code $apply} so ({@code query.Expander}); a client's own
 * {@code $apply} inside {@code $expand} is refused here, so that every one the parser sees was written here.
 * {@link #expandFromParser} turns the text back into the client's form for next links.
 */
final class ComputeText {

    private static final String COMPUTE = "$compute";
    private static final String APPLY = "$apply";
    private static final String SELECT = "$select";
    private static final String FILTER = "$filter";
    private static final String ORDERBY = "$orderby";
    private static final String EXPAND = "$expand";
    private static final String IDENTITY = "identity";
    /**
     * The custom option carrying the {@code $compute} of a request that reads one entity ({@link #entityToParser}),
     * which the parser keeps as text; a client's own is refused ({@code QueryText}).
     */
    static final String ENTITY_OPTION = "patientdocs.compute";
    private static final Pattern ALIAS = Pattern.compile("\\s+as\\s+([\\p{L}_][\\p{L}\\p{N}_]*)\\s*$",
            Pattern.CASE_INSENSITIVE);

    private ComputeText() {
    }

    /** A {@code $expand} value as the parser should see it, at every level. */
    static String expandToParser(String expand) {
        return ExpandText.mapItems(expand, ComputeText::itemToParser);
    }

    /** A {@code $expand} value as {@link #expandToParser} gave it to the parser, in the client's form. */
    static String expandFromParser(String expand) {
        return ExpandText.mapItems(expand, (path, options) -> itemFromParser(options));
    }

    private static Map<String, String> itemToParser(String path, Map<String, String> given) {
        Map<String, String> options = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            String option = QueryText.systemOption(name);
            options.put(option != null ? option : name, value);
        });
        if (options.containsKey(EXPAND)) {
            options.put(EXPAND, expandToParser(options.get(EXPAND)));
        }
        if (options.containsKey(APPLY)) {
            throw notImplemented("The system query option $apply is not supported inside $expand");
        }
        if (!options.containsKey(COMPUTE)) {
            return options.equals(canonical(given)) ? given : options;
        }
        if (path.startsWith("*")) {
            throw notImplemented("$compute inside $expand=* is not supported: name the navigation it computes on");
        }
        if (path.endsWith("/$ref") || path.endsWith("/$count")) {
            throw notImplemented("$compute inside an $expand of " + path.substring(path.lastIndexOf('/') + 1)
                    + " is not supported: references and counts have no properties to compute");
        }
        Shape shape = shape(options.remove(COMPUTE), options.remove(SELECT), EXPAND, "inside $expand");
        StringBuilder apply = new StringBuilder(shape.apply());
        List<String> declared = shape.declared();
        if (options.containsKey(FILTER)) {
            apply.append("/filter(").append(options.remove(FILTER)).append(')');
        }
        if (options.containsKey(ORDERBY)) {
            apply.append("/orderby(").append(options.remove(ORDERBY)).append(')');
        }
        Map<String, String> prepared = new LinkedHashMap<>();
        prepared.put(APPLY, apply.toString());
        if (!declared.isEmpty()) {
            prepared.put(SELECT, String.join(",", declared));
        }
        prepared.putAll(options);
        return prepared;
    }

    /**
     * The {@code $compute} and {@code $select} of a request that reads one entity ({@code Documents('…')},
     * {@code Documents('…')/Patient}) as the parser may see them: the parser refuses an {@code $apply} there (its
     * UriValidator), so the computation goes in the custom option {@link #ENTITY_OPTION}, in the shape of an
     * expand item's {@code $apply}, and the {@code $select} keeps the declared properties (the key alone when it
     * keeps none). The processor parses the option as the entity set's {@code $apply} ({@code query.Computation}).
     *
     * @param select the request's {@code $select}, or null
     * @return the options to give the parser, by name
     */
    static Map<String, String> entityToParser(String compute, String select) {
        Shape shape = shape(compute, select, COMPUTE, "on one entity");
        Map<String, String> prepared = new LinkedHashMap<>();
        prepared.put(ENTITY_OPTION, shape.apply());
        if (!shape.declared().isEmpty()) {
            prepared.put(SELECT, String.join(",", shape.declared()));
        }
        return prepared;
    }

    /** An {@code $apply} of computed properties and the declared properties a {@code $select} keeps beside them. */
    private record Shape(String apply, List<String> declared) {
    }

    /**
     * {@code compute(all)} when the {@code $select} is absent or {@code *}, else {@code compute(shown)/compute(hidden)}
     * and the declared properties it names.
     */
    private static Shape shape(String compute, String select, String target, String where) {
        List<String> computed = trimmed(ExpandText.split(compute, ','));
        List<String> selected = select == null ? List.of() : trimmed(ExpandText.split(select, ','));
        List<String> declared = new ArrayList<>();
        if (select == null || selected.contains("*")) {
            if (select != null) {
                declared.add("*");
            }
            return new Shape(compute(computed), declared);
        }
        Set<String> aliases = new LinkedHashSet<>();
        computed.forEach(item -> aliases.add(alias(item)));
        List<String> shown = computed.stream().filter(item -> selected.contains(alias(item))).toList();
        List<String> hidden = computed.stream().filter(item -> !selected.contains(alias(item))).toList();
        for (String item : shown) {
            for (String other : hidden) {
                if (alias(other) != null && ExpressionText.mentions(expression(item), alias(other))) {
                    throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, target,
                            "$compute " + where + ": a computed property that $select names cannot use one it does"
                                    + " not name (" + alias(other) + ")");
                }
            }
        }
        selected.stream().filter(name -> !aliases.contains(name)).forEach(declared::add);
        return new Shape(compute(shown) + "/" + compute(hidden), declared);
    }

    private static Map<String, String> itemFromParser(Map<String, String> given) {
        Map<String, String> options = new LinkedHashMap<>(given);
        if (options.containsKey(EXPAND)) {
            options.put(EXPAND, expandFromParser(options.get(EXPAND)));
        }
        String apply = options.remove(APPLY);
        if (apply == null) {
            return options;
        }
        List<String> steps = ExpandText.split(apply, '/');
        int leading = 0;
        while (leading < steps.size() && (steps.get(leading).startsWith("compute(")
                || steps.get(leading).equals(IDENTITY))) {
            leading++;
        }
        List<String> computed = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < leading; i++) {
            List<String> items = steps.get(i).equals(IDENTITY) ? List.of() : trimmed(ExpandText.split(inner(
                    steps.get(i)), ','));
            computed.addAll(items);
            if (i == 0) {
                items.forEach(item -> shown.add(alias(item)));
            }
        }
        Map<String, String> restored = new LinkedHashMap<>();
        restored.put(COMPUTE, String.join(",", computed));
        if (leading == 2) {
            List<String> selected = new ArrayList<>();
            if (options.containsKey(SELECT)) {
                selected.addAll(trimmed(ExpandText.split(options.remove(SELECT), ',')));
            }
            selected.addAll(shown);
            restored.put(SELECT, String.join(",", selected));
        }
        for (String step : steps.subList(leading, steps.size())) {
            restored.put(step.startsWith("filter(") ? FILTER : ORDERBY, inner(step));
        }
        restored.putAll(options);
        return restored;
    }

    private static Map<String, String> canonical(Map<String, String> given) {
        Map<String, String> options = new LinkedHashMap<>();
        given.forEach((name, value) -> {
            String option = QueryText.systemOption(name);
            options.put(option != null ? option : name, value);
        });
        return options;
    }

    private static String compute(List<String> items) {
        return items.isEmpty() ? IDENTITY : "compute(" + String.join(",", items) + ")";
    }

    /** The text inside a transformation's parentheses: {@code filter(a eq 1)} → {@code a eq 1}. */
    private static String inner(String step) {
        return step.substring(step.indexOf('(') + 1, step.lastIndexOf(')'));
    }

    /** The alias of {@code expression as alias}; null when it has none (the parser refuses that). */
    private static String alias(String item) {
        Matcher m = ALIAS.matcher(item);
        return m.find() ? m.group(1) : null;
    }

    private static String expression(String item) {
        Matcher m = ALIAS.matcher(item);
        return m.find() ? item.substring(0, m.start()) : item;
    }

    private static List<String> trimmed(List<String> parts) {
        return parts.stream().map(String::trim).filter(part -> !part.isEmpty()).toList();
    }

    private static ServiceException notImplemented(String message) {
        return new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, EXPAND, message);
    }
}
