package org.patientdocs.url;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * {@code matchesPattern}, which Olingo 5's parser does not know, passes through it under the name of a function
 * it does know and the service does not otherwise accept: OData 2's {@code substringof}, which takes two strings
 * and gives a Boolean, as matchesPattern does. The whole trick, in its three steps:
 * <ol>
 * <li>Before parsing ({@link QueryText#prepare}), {@link #toParser} refuses OData 2's own {@code substringof}
 * (501: OData 4 removed it), then renames every call of {@code matchesPattern(} to {@code substringof(}. So each
 * {@code substringof} the parser hands on is a matchesPattern, with its arguments in matchesPattern's order.</li>
 * <li>The translator ({@code query.Functions}) reads the parser's {@code SUBSTRINGOF} as matchesPattern.</li>
 * <li>Links that repeat the request (next links, {@link QueryText#restore}) give the call its name back
 * ({@link #fromParser}); a client following one would otherwise be refused for using substringof.</li>
 * </ol>
 * Both renamings apply to whole function names outside string literals only, in every expression option:
 * {@code $filter}, {@code $orderby}, {@code $expand} (with the options inside it) and parameter aliases.
 */
public final class MatchesPattern {

    private static final String NAME = "matchesPattern";
    private static final String PARSED_AS = "substringof";

    private MatchesPattern() {
    }

    /**
     * The expression as the parser is to see it: {@code matchesPattern(} renamed to {@code substringof(}.
     *
     * @param expression the expression in the parser's spelling of function names ({@link ExpressionText})
     * @param option     the option it came from, named by the refusal
     * @throws ServiceException.NotImplemented for a call of OData 2's substringof
     */
    static String toParser(String expression, String option) {
        if (ExpressionWords.containsCall(expression, PARSED_AS)) {
            throw new ServiceException.NotImplemented(ErrorCode.FILTER_FUNCTION_UNSUPPORTED, option,
                    "substringof is OData 2; use contains(text,'part')");
        }
        return ExpressionWords.replaceCalls(expression, NAME, PARSED_AS);
    }

    /** Whether the text may hold a renamed call, which {@link #fromParser} would give its name back. */
    static boolean mayBeRenamed(String text) {
        return text.contains(PARSED_AS);
    }

    /** The expression with {@code substringof(} named {@code matchesPattern(} again, as the client wrote it. */
    static String fromParser(String expression) {
        return ExpressionWords.replaceCalls(expression, PARSED_AS, NAME);
    }
}
