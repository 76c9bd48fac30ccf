package org.patientdocs.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The OData 4.01 spellings of an expression (a {@code $filter}, {@code $orderby}, {@code $expand} or alias value)
 * that the parser (Olingo 5) knows only in their 4.0 form, rewritten into that form:
 * <ul>
 * <li>operators, canonical functions, lambda operators, {@code asc}/{@code desc}, {@code true}, {@code false},
 * {@code null} and the {@code duration} prefix in any case ({@code EQ}, {@code Contains(}, {@code Documents/ANY(});
 * 4.01 services must accept them case-insensitively;</li>
 * <li>spaces around a lambda's colon ({@code any(d: d/x eq 1)}), which the grammar allows;</li>
 * <li>duration literals without their prefix ({@code 'P1D'}) where a duration is expected: an operand of an
 * arithmetic operator, the argument of {@code totalseconds}, or compared with an arithmetic expression. In each of
 * those places a string would be a type error, so the rewriting never changes the meaning of a valid query.</li>
 * </ul>
 * Text inside string literals is never changed.
 */
final class ExpressionText {

    private static final Set<String> BINARY_OPERATORS = Set.of("eq", "ne", "gt", "ge", "lt", "le", "and", "or",
            "has", "in", "add", "sub", "mul", "div", "divby", "mod");
    private static final Set<String> ARITHMETIC = Set.of("add", "sub", "mul", "div", "divby", "mod");
    private static final Set<String> COMPARISONS = Set.of("eq", "ne", "gt", "ge", "lt", "le");
    private static final Set<String> BOUNDARIES = Set.of("and", "or", "not");
    private static final Set<String> CONSTANTS = Set.of("true", "false", "null");
    /** The canonical functions by their lower-case names, in the spelling the parser knows. */
    private static final Map<String, String> FUNCTIONS = Stream.of("concat", "contains", "endswith", "indexof",
            "length", "startswith", "substring", "matchesPattern", "tolower", "toupper", "trim", "date", "day",
            "fractionalseconds", "hour", "maxdatetime", "mindatetime", "minute", "month", "now", "second", "time",
            "totaloffsetminutes", "totalseconds", "year", "ceiling", "floor", "round", "cast", "isof",
            "geo.distance", "geo.intersects", "geo.length", "hassubset", "hassubsequence", "substringof")
            .collect(Collectors.toMap(name -> name.toLowerCase(Locale.ROOT), Function.identity()));
    private static final Pattern DURATION = Pattern.compile(
            "'-?P(?=\\d|T\\d)(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?'");

    /** RAW: a {@code $search} value inside {@code $expand}, whose words are search terms, left as written. */
    private enum Kind { WORD, STRING, SPACE, PUNCT, RAW }

    private record Token(Kind kind, String text) {
        boolean is(char c) {
            return kind == Kind.PUNCT && text.charAt(0) == c;
        }

        String lower() {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    private ExpressionText() {
    }

    /** The expression in the parser's spelling; the same string when nothing needed rewriting. */
    static String normalise(String text) {
        List<Token> tokens = tokens(text);
        List<String> out = new ArrayList<>(tokens.size());
        boolean changed = false;
        boolean[] dropped = lambdaSpaces(tokens);
        for (int i = 0; i < tokens.size(); i++) {
            String rewritten = dropped[i] ? "" : rewrite(tokens, i);
            changed |= !rewritten.equals(tokens.get(i).text());
            out.add(rewritten);
        }
        return changed ? String.join("", out) : text;
    }

    /**
     * The spaces the grammar allows around a lambda's colon ({@code any(d : d/x eq 1)}), which the parser does
     * not: marked for removal.
     */
    private static boolean[] lambdaSpaces(List<Token> tokens) {
        boolean[] dropped = new boolean[tokens.size()];
        for (int i = 1; i + 1 < tokens.size(); i++) {
            String lower = tokens.get(i).lower();
            if (!(lower.equals("any") || lower.equals("all")) || !tokens.get(i - 1).is('/')
                    || !tokens.get(i + 1).is('(')) {
                continue;
            }
            List<Integer> spaces = new ArrayList<>();
            boolean colon = false;
            for (int j = i + 2; j < tokens.size(); j++) {
                Token token = tokens.get(j);
                if (token.kind() == Kind.SPACE) {
                    spaces.add(j);
                    continue;
                }
                if (colon || token.kind() != Kind.WORD) {
                    break;
                }
                colon = token.text().endsWith(":");
                if (!colon && token.text().contains(":")) {
                    colon = true;
                    break;
                }
            }
            if (colon) {
                spaces.forEach(j -> dropped[j] = true);
            }
        }
        return dropped;
    }

    private static String rewrite(List<Token> tokens, int i) {
        Token token = tokens.get(i);
        Token before = i > 0 ? tokens.get(i - 1) : null;
        Token after = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
        if (token.kind() == Kind.STRING) {
            return DURATION.matcher(token.text()).matches() && (before == null || before.kind() != Kind.WORD)
                    && durationExpected(tokens, i) ? "duration" + token.text() : token.text();
        }
        if (token.kind() != Kind.WORD) {
            return token.text();
        }
        String lower = token.lower();
        boolean afterSlash = before != null && before.is('/');
        if (after != null && after.is('(')) {
            if (afterSlash) {
                return lower.equals("any") || lower.equals("all") ? lower : token.text();
            }
            if (FUNCTIONS.containsKey(lower)) {
                return FUNCTIONS.get(lower);
            }
        }
        if (after != null && after.kind() == Kind.STRING && lower.equals("duration")) {
            return lower;
        }
        boolean spaceBefore = before != null && before.kind() == Kind.SPACE;
        boolean openAfter = after == null || after.kind() == Kind.SPACE || after.is('(');
        if (BINARY_OPERATORS.contains(lower) && spaceBefore && openAfter) {
            return lower;
        }
        if (lower.equals("not") && (before == null || spaceBefore || before.is('(')) && openAfter) {
            return lower;
        }
        boolean ends = after == null || after.is(',') || after.is(')') || after.is(';');
        if ((lower.equals("asc") || lower.equals("desc")) && spaceBefore && ends) {
            return lower;
        }
        if (CONSTANTS.contains(lower) && !afterSlash && (after == null || !after.is('/') && !after.is('('))) {
            return lower;
        }
        return token.text();
    }

    /** Whether the word (e.g. {@code $it}) occurs in the text outside string literals and search phrases. */
    static boolean mentions(String text, String word) {
        return tokens(text).stream().anyMatch(token -> token.kind() == Kind.WORD
                && token.text().equalsIgnoreCase(word));
    }

    /** Whether a string literal stands where only a duration fits. */
    private static boolean durationExpected(List<Token> tokens, int at) {
        int previous = significant(tokens, at, -1);
        int next = significant(tokens, at, 1);
        String before = previous < 0 ? "" : tokens.get(previous).lower();
        String after = next < 0 ? "" : tokens.get(next).lower();
        if (ARITHMETIC.contains(before) || ARITHMETIC.contains(after)) {
            return true;
        }
        if (previous > 0 && tokens.get(previous).is('(') && next >= 0 && tokens.get(next).is(')')
                && tokens.get(previous - 1).lower().equals("totalseconds")) {
            return true;
        }
        if (COMPARISONS.contains(before)) {
            return arithmeticOperand(tokens, previous - 1, -1);
        }
        return COMPARISONS.contains(after) && arithmeticOperand(tokens, next + 1, 1);
    }

    /**
     * Whether the operand that starts at {@code from} and extends in {@code step}'s direction up to the next
     * boundary ({@code and}, {@code or}, a comparison, an unmatched parenthesis or a comma) applies an arithmetic
     * operator or holds a duration literal. Function calls are passed over whole: their arguments are not the
     * operand's type.
     */
    private static boolean arithmeticOperand(List<Token> tokens, int from, int step) {
        int depth = 0;
        for (int i = from; i >= 0 && i < tokens.size(); i += step) {
            Token token = tokens.get(i);
            String lower = token.lower();
            if (token.is(step > 0 ? '(' : ')')) {
                boolean call = step > 0 ? i > 0 && tokens.get(i - 1).kind() == Kind.WORD : callEndingAt(tokens, i);
                if (call) {
                    i = matching(tokens, i, step);
                    if (i < 0) {
                        return false;
                    }
                    continue;
                }
                depth++;
            } else if (token.is(step > 0 ? ')' : '(')) {
                if (--depth < 0) {
                    return false;
                }
            } else if (token.is(',') && depth == 0) {
                return false;
            } else if (token.kind() == Kind.WORD && (BOUNDARIES.contains(lower) || COMPARISONS.contains(lower))
                    && i + step >= 0 && i + step < tokens.size() && tokens.get(i + step).kind() == Kind.SPACE
                    && depth == 0) {
                return false;
            } else if (token.kind() == Kind.WORD && ARITHMETIC.contains(lower)
                    || lower.equals("duration") && i + 1 < tokens.size() && tokens.get(i + 1).kind() == Kind.STRING) {
                return true;
            }
        }
        return false;
    }

    /** Whether the {@code )} at {@code close} ends a function call (its {@code (} follows a name). */
    private static boolean callEndingAt(List<Token> tokens, int close) {
        int open = matching(tokens, close, -1);
        return open > 0 && tokens.get(open - 1).kind() == Kind.WORD;
    }

    /** The index of the parenthesis matching the one at {@code at}, searching in {@code step}'s direction. */
    private static int matching(List<Token> tokens, int at, int step) {
        int depth = 0;
        for (int i = at; i >= 0 && i < tokens.size(); i += step) {
            if (tokens.get(i).is('(')) {
                depth += step;
            } else if (tokens.get(i).is(')')) {
                depth -= step;
            }
            if (depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int significant(List<Token> tokens, int at, int step) {
        for (int i = at + step; i >= 0 && i < tokens.size(); i += step) {
            if (tokens.get(i).kind() != Kind.SPACE) {
                return i;
            }
        }
        return -1;
    }

    /** Words, string literals (with doubled quotes inside), runs of spaces and single punctuation characters. */
    private static List<Token> tokens(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int end = i + 1;
            Kind kind;
            if (c == '\'') {
                kind = Kind.STRING;
                while (end < text.length()) {
                    if (text.charAt(end) == '\'') {
                        if (end + 1 < text.length() && text.charAt(end + 1) == '\'') {
                            end += 2;
                            continue;
                        }
                        end++;
                        break;
                    }
                    end++;
                }
            } else if (c == ' ') {
                kind = Kind.SPACE;
                while (end < text.length() && text.charAt(end) == ' ') {
                    end++;
                }
            } else if (punctuation(c)) {
                kind = Kind.PUNCT;
            } else if (c == '$' && text.regionMatches(true, i, "$search=", 0, 8)) {
                kind = Kind.RAW;
                end = searchEnd(text, i + 8);
            } else {
                kind = Kind.WORD;
                while (end < text.length() && !punctuation(text.charAt(end)) && text.charAt(end) != '\''
                        && text.charAt(end) != ' ') {
                    end++;
                }
            }
            tokens.add(new Token(kind, text.substring(i, end)));
            i = end;
        }
        return tokens;
    }

    /** Where a {@code $search} value inside {@code $expand} ends: at a {@code ;} or its closing parenthesis. */
    private static int searchEnd(String text, int from) {
        int depth = 0;
        boolean phrase = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (phrase) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    phrase = false;
                }
            } else if (c == '"') {
                phrase = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth-- == 0 || c == ';' && depth == 0) {
                return i;
            }
        }
        return text.length();
    }

    private static boolean punctuation(char c) {
        return "(),/;=\"[]{}".indexOf(c) >= 0;
    }
}
