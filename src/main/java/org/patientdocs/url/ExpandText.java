package org.patientdocs.url;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The text of a {@code $expand} value split into its items and each item's options, as the client wrote them:
 * {@code Documents($filter=a eq 'x;y';$top=2),Patient} → {@code Documents → {$filter: a eq 'x;y', $top: 2}},
 * {@code Patient → {}}. The parser keeps no text for options inside {@code $expand}; a next link for an expanded
 * collection repeats them from here.
 */
public final class ExpandText {

    private ExpandText() {
    }

    /**
     * The items of a $expand value as the parser saw it ({@code url.QueryText#prepare}), by path, with their options
     * as the client wrote them: {@code $compute} inside an item is its {@code $compute} again.
     */
    public static Map<String, Map<String, String>> clientItems(String preparedExpand) {
        return items(preparedExpand == null ? null : ComputeText.expandFromParser(preparedExpand));
    }

    /** The items of a $expand value by path ({@code Documents}, {@code Documents/$count}), with their options. */
    public static Map<String, Map<String, String>> items(String expand) {
        Map<String, Map<String, String>> items = new LinkedHashMap<>();
        if (expand == null) {
            return items;
        }
        for (String item : split(expand, ',')) {
            items.put(path(item), options(item));
        }
        return items;
    }

    /** The path of one $expand item ({@code Documents} of {@code Documents($top=2)}). */
    private static String path(String item) {
        int open = item.indexOf('(');
        return (open < 0 ? item : item.substring(0, open)).trim();
    }

    /**
     * The options of one $expand item by name, in order, their values as written. An option without a value, or one
     * given twice (a system query option in any of its spellings: {@code $top}, {@code top}, {@code $TOP}), is
     * refused: where an item is written anew ({@link #mapItems}) it would otherwise be lost without a word.
     */
    private static Map<String, String> options(String item) {
        Map<String, String> options = new LinkedHashMap<>();
        int open = item.indexOf('(');
        if (open >= 0 && item.endsWith(")")) {
            for (String option : split(item.substring(open + 1, item.length() - 1), ';')) {
                if (option.isBlank()) {
                    continue;
                }
                int eq = option.indexOf('=');
                String name = (eq < 0 ? option : option.substring(0, eq)).trim();
                if (eq <= 0) {
                    throw invalid(name, "The option " + name + " of the $expand item " + path(item)
                            + " has no value");
                }
                if (options.keySet().stream().anyMatch(given -> sameOption(given, name))) {
                    throw invalid(name, "The option " + name + " of the $expand item " + path(item)
                            + " is given more than once; give it once");
                }
                options.put(name, option.substring(eq + 1));
            }
        }
        return options;
    }

    private static boolean sameOption(String given, String name) {
        String option = QueryText.systemOption(name);
        return option != null ? option.equals(QueryText.systemOption(given)) : given.equals(name);
    }

    private static ServiceException invalid(String option, String message) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, option, message);
    }

    /**
     * The $expand value with each item's options replaced by what {@code options} makes of them (given the item's
     * path and its options by name, in order); an item whose options come back unchanged keeps its text.
     */
    static String mapItems(String expand, BiFunction<String, Map<String, String>, Map<String, String>> options) {
        List<String> out = new ArrayList<>();
        for (String item : split(expand, ',')) {
            String path = path(item);
            Map<String, String> given = options(item);
            Map<String, String> changed = options.apply(path, given);
            if (changed.equals(given)) {
                out.add(item);
                continue;
            }
            List<String> written = new ArrayList<>();
            changed.forEach((name, value) -> written.add(name + "=" + value));
            out.add(written.isEmpty() ? path : path + "(" + String.join(";", written) + ")");
        }
        return String.join(",", out);
    }

    /**
     * Splits at the separator where it stands outside parentheses, string literals ({@code '…'}) and search
     * phrases ({@code "…"}, with {@code \"} inside).
     */
    static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '"' && c == '\\') {
                i++;
            } else if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && c == separator) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        return parts;
    }
}
