package org.patientdocs.query;

import java.math.BigInteger;
import java.util.ArrayDeque;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The part of ECMAScript regular expressions ({@code matchesPattern}) that means the same in Java (H2) and in
 * PostgreSQL's advanced regular expressions: literal characters, {@code .}, {@code ^}, {@code $}, classes
 * ({@code [a-z]}, {@code [^,]}), {@code \d \D \w \W \s \S}, escaped metacharacters, groups ({@code (…)},
 * {@code (?:…)}), alternation and the quantifiers {@code * + ? {n} {n,} {n,m}} (greedy or lazy, bounds up to 255).
 * Anything else (back references, look-around, word boundaries, flags, POSIX classes) is refused with 501 rather
 * than given a different meaning on one store, and so are repeated groups that repeat inside ({@code (a+)*}), which
 * make a backtracking engine take exponential time, and patterns over 256 characters. A pattern no engine would read
 * (an unclosed group, a quantifier with nothing to repeat, a reversed bound {@code a{3,1}}) is a 400. Matching is
 * case-sensitive, {@code .} matches any character and {@code $} only the end of the text.
 */
final class RegexSubset {

    private static final String METAS = "\\^$.|?*+()[]{}/-";
    private static final BigInteger MAX_REPEAT = BigInteger.valueOf(255);
    private static final int MAX_LENGTH = 256;

    /** A pattern of the subset, as each store needs it. */
    record Checked(String pattern, String forJava) {

        String forPostgres() {
            return pattern;
        }
    }

    private final String pattern;
    private final String target;
    private final StringBuilder java = new StringBuilder();
    private int pos;
    private int groups;
    /** For each open group, whether it holds a quantifier; a repeated group must not (no nested repetition). */
    private final ArrayDeque<Boolean> repeating = new ArrayDeque<>();
    private boolean closedGroupRepeats;

    private RegexSubset(String pattern, String target) {
        this.pattern = pattern;
        this.target = target;
    }

    static Checked check(String pattern, String target) {
        RegexSubset parser = new RegexSubset(pattern, target);
        parser.run();
        return new Checked(pattern, parser.java.toString());
    }

    private void run() {
        if (pattern.length() > MAX_LENGTH) {
            throw unsupported("patterns longer than " + MAX_LENGTH + " characters");
        }
        boolean quantifiable = false;
        boolean afterGroup = false;
        while (pos < pattern.length()) {
            char c = pattern.charAt(pos);
            switch (c) {
                case '\\' -> {
                    escape(false);
                    quantifiable = true;
                }
                case '[' -> {
                    characterClass();
                    quantifiable = true;
                }
                case '(' -> {
                    group();
                    quantifiable = false;
                }
                case ')' -> {
                    if (groups == 0) {
                        throw malformed("an unmatched ')'");
                    }
                    groups--;
                    closedGroupRepeats = repeating.pop();
                    if (closedGroupRepeats && !repeating.isEmpty()) {
                        repeating.pop();
                        repeating.push(true);
                    }
                    java.append(c);
                    pos++;
                    quantifiable = true;
                    afterGroup = true;
                    continue;
                }
                case '*', '+', '?', '{' -> {
                    if (!quantifiable) {
                        throw malformed("a quantifier with nothing to repeat");
                    }
                    if (afterGroup && closedGroupRepeats) {
                        // (a+)+ backtracks exponentially in Java's engine (H2).
                        throw unsupported("a repeated group that itself repeats");
                    }
                    quantifier();
                    if (!repeating.isEmpty()) {
                        repeating.pop();
                        repeating.push(true);
                    }
                    quantifiable = false;
                }
                case '$' -> {
                    java.append("\\z");
                    pos++;
                    quantifiable = false;
                }
                case '^', '|' -> {
                    java.append(c);
                    pos++;
                    quantifiable = false;
                }
                case ']', '}' -> throw malformed("an unescaped '" + c + "'");
                default -> {
                    java.append(c);
                    pos++;
                    quantifiable = true;
                }
            }
            afterGroup = false;
        }
        if (groups != 0) {
            throw malformed("an unclosed group");
        }
    }

    private void escape(boolean inClass) {
        if (pos + 1 >= pattern.length()) {
            throw malformed("a trailing backslash");
        }
        char next = pattern.charAt(pos + 1);
        boolean shorthand = "dws".indexOf(next) >= 0 || !inClass && "DWS".indexOf(next) >= 0;
        if (!shorthand && METAS.indexOf(next) < 0) {
            throw unsupported("the escape \\" + next);
        }
        java.append('\\').append(next);
        pos += 2;
    }

    private void characterClass() {
        java.append('[');
        pos++;
        if (pos < pattern.length() && pattern.charAt(pos) == '^') {
            java.append('^');
            pos++;
        }
        int members = 0;
        while (pos < pattern.length() && pattern.charAt(pos) != ']') {
            char c = pattern.charAt(pos);
            if (c == '\\') {
                escape(true);
            } else if (c == '[' || c == '&' && pos + 1 < pattern.length() && pattern.charAt(pos + 1) == '&') {
                throw unsupported("'" + c + "' inside a character class (escape it)");
            } else {
                java.append(c);
                pos++;
            }
            members++;
        }
        if (pos >= pattern.length()) {
            throw malformed("an unclosed character class");
        }
        if (members == 0) {
            throw malformed("an empty character class");
        }
        java.append(']');
        pos++;
    }

    private void group() {
        if (pattern.startsWith("(?:", pos)) {
            java.append("(?:");
            pos += 3;
        } else if (pattern.startsWith("(?", pos)) {
            throw unsupported("look-around, named groups and inline flags");
        } else {
            java.append('(');
            pos++;
        }
        groups++;
        repeating.push(false);
    }

    private void quantifier() {
        char c = pattern.charAt(pos);
        if (c == '{') {
            int close = pattern.indexOf('}', pos);
            String bounds = close < 0 ? "" : pattern.substring(pos + 1, close);
            if (!bounds.matches("[0-9]+(,([0-9]+)?)?")) {
                throw malformed("a repetition other than {n}, {n,} or {n,m}");
            }
            String[] parts = bounds.split(",", -1);
            BigInteger min = new BigInteger(parts[0]);
            BigInteger max = parts.length > 1 && !parts[1].isEmpty() ? new BigInteger(parts[1]) : min;
            if (max.compareTo(min) < 0) {
                // no engine reads {3,1}: it is an error in the pattern, not a feature the service lacks
                throw malformed("a repetition {" + bounds + "} whose lower bound exceeds its upper one");
            }
            if (max.compareTo(MAX_REPEAT) > 0) {
                throw unsupported("repetition bounds above " + MAX_REPEAT);
            }
            java.append(pattern, pos, close + 1);
            pos = close + 1;
        } else {
            java.append(c);
            pos++;
        }
        if (pos < pattern.length() && pattern.charAt(pos) == '?') {
            java.append('?');
            pos++;
        }
        if (pos < pattern.length() && "*+{".indexOf(pattern.charAt(pos)) >= 0) {
            throw malformed("a quantifier after a quantifier");
        }
    }

    private ServiceException malformed(String what) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_PATTERN, target,
                "The matchesPattern pattern has " + what + " at position " + pos);
    }

    private ServiceException unsupported(String what) {
        return new ServiceException.NotImplemented(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, target,
                "matchesPattern does not support " + what);
    }
}
