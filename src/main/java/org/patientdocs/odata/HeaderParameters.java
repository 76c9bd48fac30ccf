package org.patientdocs.odata;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A header value of the form {@code value; name=token; name="quoted string"} as used by Content-Type and
 * Content-Disposition. Parameter names are lower-cased; the first occurrence of a name wins.
 */
record HeaderParameters(String value, Map<String, String> parameters) {

    static HeaderParameters parse(String header) {
        int end = nextSemicolon(header, 0);
        String value = header.substring(0, end).trim().toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = end;
        while (i < header.length()) {
            int start = i + 1;
            end = nextSemicolon(header, start);
            String parameter = header.substring(start, end);
            int equals = parameter.indexOf('=');
            if (equals > 0) {
                String name = parameter.substring(0, equals).trim().toLowerCase(Locale.ROOT);
                parameters.putIfAbsent(name, unquote(parameter.substring(equals + 1).trim()));
            }
            i = end;
        }
        return new HeaderParameters(value, parameters);
    }

    String get(String name) {
        return parameters.get(name);
    }

    /**
     * Decodes an RFC 8187 extended value ({@code UTF-8''na%C3%AFve.pdf}; UTF-8 and ISO-8859-1 are supported), or
     * returns null when it is malformed.
     */
    static String decodeExtendedValue(String text) {
        int firstQuote = text.indexOf('\'');
        int secondQuote = firstQuote < 0 ? -1 : text.indexOf('\'', firstQuote + 1);
        if (secondQuote < 0) {
            return null;
        }
        Charset charset;
        String charsetName = text.substring(0, firstQuote).trim();
        if (charsetName.equalsIgnoreCase("UTF-8")) {
            charset = StandardCharsets.UTF_8;
        } else if (charsetName.equalsIgnoreCase("ISO-8859-1")) {
            charset = StandardCharsets.ISO_8859_1;
        } else {
            return null;
        }
        String encoded = text.substring(secondQuote + 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
                if (low < 0) {
                    return null;
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c > ' ' && c < 0x7F) {
                bytes.write(c);
            } else {
                return null;
            }
        }
        try {
            return charset.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException malformed) {
            return null;
        }
    }

    /** The index of the next ';' outside a quoted string, or the length. */
    private static int nextSemicolon(String header, int from) {
        boolean quoted = false;
        for (int i = from; i < header.length(); i++) {
            char c = header.charAt(i);
            if (quoted && c == '\\' && i + 1 < header.length()) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                return i;
            }
        }
        return header.length();
    }

    /**
     * Removes the quotes of a quoted string. Only {@code \"} and {@code \\} are taken as escapes: browsers do not
     * escape other characters, and some send Windows paths with bare backslashes.
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
