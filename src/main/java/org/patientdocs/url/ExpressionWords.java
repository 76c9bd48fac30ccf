package org.patientdocs.url;

/**
 * Finds and replaces function names and operator words in an expression's text where they stand as such: outside
 * string literals, and as whole words.
 */
final class ExpressionWords {

    private ExpressionWords() {
    }

    /** Whether {@code name(} is called: name is a whole identifier outside string literals. */
    static boolean containsCall(String text, String name) {
        return !replaceCalls(text, name, "").equals(text);
    }

    /** Replaces {@code name(} by {@code replacement(} where name is a whole identifier outside string literals. */
    static String replaceCalls(String text, String name, String replacement) {
        return replace(text, name, replacement, true);
    }

    /** Replaces the operator word where it stands between spaces outside string literals. */
    static String replaceWords(String text, String word, String replacement) {
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
}
