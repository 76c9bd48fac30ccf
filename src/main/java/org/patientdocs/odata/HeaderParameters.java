package org.patientdocs.odata;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.eclipse.jetty.util.QuotedStringTokenizer;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * A header value of the form {@code value; name=token; name="quoted string"}, as Content-Type and
 * Content-Disposition carry it. The value and the parameter names are lower-cased (they are case-insensitive).
 * A parameter named twice is refused: which one counts would be a guess, and another reader of the same request
 * (a proxy that scans uploads, an audit trail) may guess otherwise.
 */
record HeaderParameters(String value, Map<String, String> parameters) {

    /** Splits at semicolons outside quoted strings and hands each parameter back as sent, quotes and all. */
    private static final QuotedStringTokenizer PARAMETERS = QuotedStringTokenizer.builder().delimiters(";")
            .ignoreOptionalWhiteSpace().allowEmbeddedQuotes().returnQuotes().build();

    /**
     * @param headerName what the header is called, for the message of a refusal
     * @param header     the header's value
     * @throws ServiceException.BadRequest when a quoted string is not closed or a parameter is named twice
     */
    static HeaderParameters parse(String headerName, String header) {
        // the value is a token (a media type, a disposition type), never quoted: it ends at the first semicolon
        int semicolon = header.indexOf(';');
        String value = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        if (semicolon >= 0) {
            try {
                Iterator<String> tokens = PARAMETERS.tokenize(header.substring(semicolon + 1));
                while (tokens.hasNext()) {
                    String parameter = tokens.next();
                    int equals = parameter.indexOf('=');
                    if (equals > 0) {
                        String name = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
                        if (parameters.putIfAbsent(name, unquote(parameter.substring(equals + 1).trim())) != null) {
                            throw refused(headerName, "names the parameter '" + name + "' twice");
                        }
                    }
                }
            } catch (IllegalArgumentException unterminatedQuote) {
                throw refused(headerName, "has a quoted string without its closing quote");
            }
        }
        return new HeaderParameters(value, parameters);
    }

    private static ServiceException.BadRequest refused(String headerName, String problem) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_BODY, null,
                "The " + headerName + " header " + problem + ".");
    }

    String get(String name) {
        return parameters.get(name);
    }

    /**
     * Removes the quotes of a quoted string. Only {@code \"} and {@code \\} are taken as escapes: browsers do not
     * escape other characters, and some send Windows paths with bare backslashes. (Jetty's unquoting takes every
     * backslash as an escape, or drops the quotes inside a value that some clients send unescaped.)
     */
    private static String unquote(String text) {
        if (text.length() < 2 || text.charAt(0) != '"') {
            return text;
        }
        int end = text.endsWith("\"") ? text.length() - 1 : text.length();
        StringBuilder out = new StringBuilder(end);
        for (int i = 1; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < end && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                c = text.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }
}
