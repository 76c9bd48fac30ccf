package org.patientdocs.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Work on the raw query string before the OData parser sees it. The servlet and both batch formats hand every
 * request's query string here.
 * <ul>
 * <li>System query options may be written in any case and without their {@code $} ({@code FILTER=},
 * {@code filter=}), as OData 4.01 requires; the parser knows only {@code $filter=}, which they become.</li>
 * <li>Options the service does not implement ({@code $deltatoken}, {@code $index}, also inside
 * {@code $expand}, and {@code $apply} inside {@code $expand}) are refused with 501 naming them, never ignored.
 * {@code $compute} becomes a {@code compute} transformation of {@code $apply} ({@link #computeAsApply}); inside
 * {@code $expand}, the item's {@code $apply}; on a request that reads one entity, where the parser refuses
 * {@code $apply}, a custom option the processor parses ({@link ComputeText}).
 * {@code $schemaversion=*} asks for the current schema, which is the only one this service has (its
 * {@code $metadata} carries no {@code Core.SchemaVersion}): it is honoured by dropping it. Any other version does
 * not exist, which OData answers with 404.</li>
 * <li>Nesting: parentheses deeper than the configured limit are refused with 400 before parsing, so a thousand
 * nested parentheses cannot exhaust the parser's stack.</li>
 * <li>OData 4.01 syntax the parser (Olingo 5) lacks: operator and function names in any case and duration
 * literals without their prefix ({@link ExpressionText}); {@code a divby b} becomes {@code a mul 1.0 div b} (the
 * same decimal division: both operators are left-associative at one precedence), and {@code matchesPattern}
 * passes the parser as {@code substringof} ({@link MatchesPattern}), which {@link #restore} undoes for next
 * links.</li>
 * <li>{@code $format}: JSON format parameters as {@link FormatParameters} writes them for the parser.</li>
 * </ul>
 * Text inside string literals and {@code $search} phrases is never changed.
 */
public final class QueryText {

    private static final Set<String> SYSTEM_OPTIONS = Set.of("filter", "select", "expand", "orderby", "top", "skip",
            "count", "search", "format", "skiptoken", "deltatoken", "levels", "apply", "compute", "index",
            "schemaversion", "id");
    private static final Set<String> NOT_IMPLEMENTED = Set.of("$deltatoken", "$index");
    private static final Set<String> NOT_IMPLEMENTED_IN_EXPAND = Set.of("$deltatoken", "$index");
    private static final String APPLY = "$apply";
    private static final String COMPUTE = "$compute";
    private static final String SCHEMA_VERSION = "$schemaversion";
    /** OData 4.01 functions the parser does not know, which it would otherwise call unknown properties. */
    private static final List<String> UNSUPPORTED_FUNCTIONS = List.of("hassubset", "hassubsequence", "case");

    private QueryText() {
    }

    /** The query string the parser should see, for a request that reads no single entity. */
    public static String prepare(String rawQuery, int maxNestingDepth) {
        return prepare(rawQuery, maxNestingDepth, () -> false);
    }

    /**
     * The query string the parser should see; the input itself when nothing needs rewriting.
     *
     * @param readsOneEntity whether the request reads one entity ({@code GET Documents('…')},
     *                       {@code Documents('…')/Patient}), asked only when it has a {@code $compute}: there it
     *                       becomes a custom option ({@link ComputeText#entityToParser}), elsewhere an {@code $apply}
     */
    public static String prepare(String rawQuery, int maxNestingDepth, BooleanSupplier readsOneEntity) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rawQuery;
        }
        List<String> params = new ArrayList<>();
        String compute = null;
        for (String param : rawQuery.split("&", -1)) {
            String prepared = prepareParam(param, maxNestingDepth);
            if (prepared != null && prepared.startsWith(COMPUTE + "=")) {
                if (compute != null) {
                    // every other system query option given twice is the parser's 400
                    throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, COMPUTE,
                            "The system query option $compute is given more than once; give it once");
                }
                compute = PercentCoding.decode(prepared.substring(COMPUTE.length() + 1));
            } else if (prepared != null) {
                params.add(prepared);
            }
        }
        if (compute != null && readsOneEntity.getAsBoolean()) {
            computeOnEntity(params, compute);
        } else if (compute != null) {
            computeAsApply(params, compute);
        }
        String prepared = String.join("&", params);
        return prepared.equals(rawQuery) ? rawQuery : prepared;
    }

    /**
     * The query string under which the parser reads the {@code $compute} of a request that reads one entity, as the
     * entity set's {@code $apply} with the request's parameter aliases; null when the request computes nothing.
     *
     * @param preparedQuery the query string as {@link #prepare} gave it to the parser
     */
    public static String entityComputation(String preparedQuery) {
        if (preparedQuery == null || !preparedQuery.contains(ComputeText.ENTITY_OPTION + "=")) {
            return null;
        }
        String apply = null;
        List<String> aliases = new ArrayList<>();
        for (String param : preparedQuery.split("&", -1)) {
            if (param.startsWith(ComputeText.ENTITY_OPTION + "=")) {
                apply = APPLY + param.substring(ComputeText.ENTITY_OPTION.length());
            } else if (param.startsWith("@") || param.startsWith("%40")) {
                aliases.add(param);
            }
        }
        if (apply == null) {
            return null;
        }
        aliases.add(0, apply);
        return String.join("&", aliases);
    }

    /** {@code $compute} and {@code $select} of a request that reads one entity ({@link ComputeText#entityToParser}). */
    private static void computeOnEntity(List<String> params, String compute) {
        String select = null;
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).startsWith("$select=")) {
                select = PercentCoding.decode(params.remove(i).substring("$select=".length()));
                break;
            }
        }
        ComputeText.entityToParser(compute, select).forEach((name, value) ->
                params.add(name + "=" + PercentCoding.encode(value)));
    }

    /**
     * {@code $compute=X} as {@code $apply=compute(X)}, after the request's {@code $apply} if it has one: the parser
     * (Olingo 5) knows no {@code $compute}, but parses the same expressions in the {@code compute} transformation of
     * the Data Aggregation Extension, whose computed properties {@code $filter}, {@code $orderby} and {@code $select}
     * can then name; OData 4.01 evaluates {@code $apply} before {@code $compute}, so the order is kept.
     */
    private static void computeAsApply(List<String> params, String compute) {
        String transformation = "compute(" + compute + ")";
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).startsWith(APPLY + "=")) {
                String apply = PercentCoding.decode(params.get(i).substring(APPLY.length() + 1));
                params.set(i, APPLY + "=" + PercentCoding.encode(apply + "/" + transformation));
                return;
            }
        }
        params.add(APPLY + "=" + PercentCoding.encode(transformation));
    }

    /** One {@code name=value} of the query string as the parser should see it; null when it is to be left out. */
    private static String prepareParam(String param, int maxNestingDepth) {
        int eq = param.indexOf('=');
        String rawName = eq < 0 ? param : param.substring(0, eq);
        String name = PercentCoding.decode(rawName);
        String value = eq < 0 ? null : PercentCoding.decode(param.substring(eq + 1));
        String option = name == null ? null : systemOption(name);
        refuseUnimplemented(option, value);
        if (ComputeText.ENTITY_OPTION.equals(name)) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, name, "The query option " + name
                    + " is the service's own; use $compute");
        }
        if (SCHEMA_VERSION.equals(option)) {
            schemaVersion(value);
            return null;
        }
        String preparedName = option != null ? option : rawName;
        if (name == null || value == null) {
            return preparedName + (eq < 0 ? "" : param.substring(eq));
        }
        String key = option != null ? option : name;
        char quote = key.equals("$search") ? '"' : '\'';
        int depth = depth(value, quote);
        if (depth > maxNestingDepth) {
            throw new ServiceException.BadRequest(ErrorCode.QUERY_LIMIT_EXCEEDED, key, "The option " + key
                    + " nests parentheses " + depth + " deep; the limit query.max-nesting-depth is "
                    + maxNestingDepth);
        }
        String rewritten = key.equals("$expand") ? rewrite(ComputeText.expandToParser(value), key)
                : isExpression(key) ? rewrite(value, key)
                : key.equals("$format") ? FormatParameters.normalise(value) : value;
        String preparedValue = rewritten.equals(value) ? param.substring(eq + 1) : PercentCoding.encode(rewritten);
        return preparedName + "=" + preparedValue;
    }

    /**
     * The canonical {@code $name} of a system query option written in any case, with or without {@code $}
     * ({@code FILTER}, {@code $Filter}), as OData 4.01 requires; null for custom options and aliases.
     */
    static String systemOption(String name) {
        String bare = (name.startsWith("$") ? name.substring(1) : name).toLowerCase(Locale.ROOT);
        return SYSTEM_OPTIONS.contains(bare) ? "$" + bare : null;
    }

    private static void refuseUnimplemented(String option, String value) {
        if (option == null) {
            return;
        }
        if (NOT_IMPLEMENTED.contains(option)) {
            throw notImplemented(option, "The system query option " + option + " is not supported");
        }
        if ("$expand".equals(option) && value != null) {
            refuseInsideExpand(value);
        }
    }

    /** The options inside $expand, at every level. */
    private static void refuseInsideExpand(String expand) {
        for (Map<String, String> options : ExpandText.items(expand).values()) {
            for (Map.Entry<String, String> nested : options.entrySet()) {
                String option = systemOption(nested.getKey().trim());
                if (option != null && NOT_IMPLEMENTED_IN_EXPAND.contains(option)) {
                    throw notImplemented("$expand", "The system query option " + option
                            + " is not supported, inside $expand neither");
                }
                if (nested.getKey().trim().startsWith("@")) {
                    throw notImplemented("$expand", "Parameter aliases (" + nested.getKey().trim()
                            + ") defined inside $expand are not supported; define them at the top level");
                }
                if ("$expand".equals(option)) {
                    refuseInsideExpand(nested.getValue());
                } else if (("$filter".equals(option) || "$orderby".equals(option))
                        && ExpressionText.mentions(nested.getValue(), "$it")) {
                    throw notImplemented("$expand", "$it inside the " + option + " of an expanded navigation is"
                            + " not supported");
                }
            }
        }
    }

    private static void schemaVersion(String value) {
        if (!"*".equals(value)) {
            throw new ServiceException.NotFound("The schema version " + value + " requested by $schemaversion"
                    + " does not exist: this service's schema is unversioned; $schemaversion=* names it");
        }
    }

    private static ServiceException notImplemented(String target, String message) {
        return new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, target, message);
    }

    /** A prepared query string as the client wrote it, for links that repeat the request. */
    public static String restore(String preparedQuery) {
        if (preparedQuery == null || !MatchesPattern.mayBeRenamed(preparedQuery)
                && !preparedQuery.toLowerCase(Locale.ROOT).contains("apply")) {
            return preparedQuery;
        }
        List<String> params = new ArrayList<>();
        for (String param : preparedQuery.split("&", -1)) {
            int eq = param.indexOf('=');
            String value = eq < 0 ? null : PercentCoding.decode(param.substring(eq + 1));
            String name = PercentCoding.decode(eq < 0 ? param : param.substring(0, eq));
            if (value == null || name == null || !isExpression(name)) {
                params.add(param);
                continue;
            }
            String restored = MatchesPattern.fromParser(name.equals("$expand") ? ComputeText.expandFromParser(value)
                    : value);
            params.add(restored.equals(value) ? param : param.substring(0, eq + 1) + PercentCoding.encode(restored));
        }
        return String.join("&", params);
    }

    private static boolean isExpression(String name) {
        return name.startsWith("@") || name.equals("$filter") || name.equals("$orderby") || name.equals("$expand")
                || name.equals(COMPUTE);
    }

    /** The deepest parenthesis nesting outside quoted text. */
    static int depth(String text, char quote) {
        int depth = 0;
        int max = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == quote) {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                max = Math.max(max, ++depth);
            } else if (!quoted && c == ')') {
                depth = Math.max(0, depth - 1);
            }
        }
        return max;
    }

    private static String rewrite(String value, String option) {
        String normal = MatchesPattern.toParser(ExpressionText.normalise(value), option);
        String lower = normal.toLowerCase(Locale.ROOT);
        for (String function : UNSUPPORTED_FUNCTIONS) {
            if (ExpressionWords.containsCall(lower, function)) {
                throw new ServiceException.NotImplemented(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, option,
                        "The function " + function + " is not supported");
            }
        }
        return ExpressionWords.replaceWords(normal, "divby", "mul 1.0 div");
    }
}
