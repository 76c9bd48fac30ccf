package org.patientdocs.query;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Work on the raw query string before the OData parser sees it.
 * <ul>
 * <li>Nesting: parentheses deeper than the configured limit are refused with 400 before parsing, so a thousand
 * nested parentheses cannot exhaust the parser's stack.</li>
 * <li>OData 4.01 syntax the parser (Olingo 5) lacks: {@code a divby b} becomes {@code a mul 1.0 div b} (the same
 * decimal division: both operators are left-associative at one precedence), and {@code matchesPattern(} becomes
 * {@code substringof(}, which the translator then reads as matchesPattern. OData 2's own {@code substringof} is
 * refused (501) so it can never be confused with it; {@link #restore} undoes the renaming for next links.</li>
 * <li>{@code $format}: JSON format parameters as {@link FormatParameters} writes them for the parser.</li>
 * </ul>
 * Text inside string literals and {@code $search} phrases is never changed.
 */
public final class QueryText {

    private static final String MATCHES_PATTERN = "matchesPattern";
    private static final String SUBSTRINGOF = "substringof";

    private QueryText() {
    }

    /** The query string the parser should see; the input itself when nothing needs rewriting. */
    public static String prepare(String rawQuery, int maxNestingDepth) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rawQuery;
        }
        List<String> params = new ArrayList<>();
        boolean changed = false;
        for (String param : rawQuery.split("&", -1)) {
            int eq = param.indexOf('=');
            String name = decode(eq < 0 ? param : param.substring(0, eq));
            String value = eq < 0 ? null : decode(param.substring(eq + 1));
            if (name == null || value == null) {
                params.add(param);
                continue;
            }
            char quote = name.equals("$search") ? '"' : '\'';
            int depth = depth(value, quote);
            if (depth > maxNestingDepth) {
                throw new ServiceException.BadRequest(ErrorCode.QUERY_LIMIT_EXCEEDED, name, "The option " + name
                        + " nests parentheses " + depth + " deep; the limit query.max-nesting-depth is "
                        + maxNestingDepth);
            }
            String rewritten = isExpression(name) ? rewrite(value, name)
                    : name.equals("$format") ? FormatParameters.normalise(value) : value;
            if (rewritten.equals(value)) {
                params.add(param);
            } else {
                params.add(param.substring(0, eq + 1) + encode(rewritten));
                changed = true;
            }
        }
        return changed ? String.join("&", params) : rawQuery;
    }

    /** A prepared query string as the client wrote it, for links that repeat the request. */
    public static String restore(String preparedQuery) {
        if (preparedQuery == null || !preparedQuery.contains(SUBSTRINGOF)) {
            return preparedQuery;
        }
        List<String> params = new ArrayList<>();
        for (String param : preparedQuery.split("&", -1)) {
            int eq = param.indexOf('=');
            String value = eq < 0 ? null : decode(param.substring(eq + 1));
            String name = decode(eq < 0 ? param : param.substring(0, eq));
            if (value == null || name == null || !isExpression(name)) {
                params.add(param);
                continue;
            }
            String restored = replaceCalls(value, SUBSTRINGOF, MATCHES_PATTERN);
            params.add(restored.equals(value) ? param : param.substring(0, eq + 1) + encode(restored));
        }
        return String.join("&", params);
    }

    private static boolean isExpression(String name) {
        return name.startsWith("@") || name.equals("$filter") || name.equals("$orderby") || name.equals("$expand");
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
        if (containsCall(value, SUBSTRINGOF)) {
            throw new ServiceException.NotImplemented(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, option,
                    "substringof is OData 2; use contains(text,'part')");
        }
        return replaceWords(replaceCalls(value, MATCHES_PATTERN, SUBSTRINGOF), "divby", "mul 1.0 div");
    }

    private static boolean containsCall(String text, String name) {
        return !replaceCalls(text, name, "").equals(text);
    }

    /** Replaces {@code name(} by {@code replacement(} where name is a whole identifier outside string literals. */
    private static String replaceCalls(String text, String name, String replacement) {
        return replace(text, name, replacement, true);
    }

    /** Replaces the operator word where it stands between spaces outside string literals. */
    private static String replaceWords(String text, String word, String replacement) {
        return replace(text, word, replacement, false);
    }

    private static String replace(String text, String word, String replacement, boolean call) {
        StringBuilder out = new StringBuilder(text.length());
        boolean quoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            }
            if (!quoted && text.startsWith(word, i) && boundaryBefore(text, i, call)
                    && boundaryAfter(text, i + word.length(), call)) {
                out.append(replacement);
                i += word.length();
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static boolean boundaryBefore(String text, int at, boolean call) {
        if (at == 0) {
            return call;
        }
        char c = text.charAt(at - 1);
        return call ? !Character.isLetterOrDigit(c) && c != '_' && c != '.' && c != '/' : c == ' ';
    }

    private static boolean boundaryAfter(String text, int at, boolean call) {
        if (at >= text.length()) {
            return false;
        }
        char c = text.charAt(at);
        return call ? c == '(' : c == ' ';
    }

    /** Percent-decoding as the OData parser does it ('+' stays '+'); null when the text is malformed. */
    static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes all but the characters OData syntax uses unencoded. */
    public static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._~'()*,:@$/!;=".indexOf(c) >= 0;
            if (plain) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
