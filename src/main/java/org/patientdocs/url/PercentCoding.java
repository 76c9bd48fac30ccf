package org.patientdocs.url;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

import org.apache.olingo.commons.core.Decoder;
import org.apache.olingo.commons.core.Encoder;

/**
 * The service's one percent-coder (UTF-8, RFC 3986), built on Olingo's {@link Encoder} and {@link Decoder} so that
 * the service reads URL text exactly as Olingo's URI parser, which uses the same {@code Decoder}, does. Each method
 * names where its rules come from:
 * <ul>
 * <li>{@link #decode}: query text as the OData parser reads it. {@code +} stays {@code +} (the parser knows no form
 * encoding; the '+'-as-space of form-encoded queries is {@link CanonicalUrls}'s step, before this one).</li>
 * <li>{@link #decodeLeniently}: header values such as {@code Slug} (RFC 5023), where a malformed escape is text.</li>
 * <li>{@link #encode}: names and values in OData query strings and links.</li>
 * <li>{@link #extendedValue}, {@link #decodeExtendedValue}: RFC 8187 extended header parameters
 * ({@code filename*}).</li>
 * </ul>
 */
public final class PercentCoding {

    /** What OData syntax uses unencoded in a query option, beside RFC 3986's unreserved characters. */
    private static final String ODATA_PLAIN = "'()*,:@$/!;=";
    /** RFC 8187 attr-char beside the unreserved characters; the apostrophe is not one, it ends the charset. */
    private static final String ATTR_CHAR_PLAIN = "!#$&+^`|";
    /** The printable ASCII characters RFC 3986 does not allow anywhere in a URI. */
    private static final String NEVER_IN_URI = "\"<>\\^`{|}";

    private PercentCoding() {
    }

    /**
     * The text as Olingo's URI parser decodes it: {@code %XX} escapes of UTF-8, {@code +} kept as {@code +}; null
     * when the parser would refuse it as malformed. The parser's quirks are kept on purpose, so that what the service
     * checks is what the parser reads: a trailing {@code %} is dropped and {@code %+1} is the octet 1. Characters
     * outside ASCII, which the parser refuses, are read as themselves.
     */
    public static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        try {
            return Decoder.decode(asciiOnly(text));
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /**
     * The text with its well-formed escapes decoded as UTF-8 and everything else, a malformed escape included, kept
     * as written: for header values that are text with optional escapes ({@code Slug}).
     */
    public static String decodeLeniently(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        // Each % that starts no escape is escaped itself; then the Decoder finds nothing malformed.
        StringBuilder wellFormed = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean stray = c == '%'
                    && !(i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2)));
            wellFormed.append(stray ? "%25" : String.valueOf(c));
        }
        return Decoder.decode(asciiOnly(wellFormed.toString()));
    }

    /**
     * Percent-encodes UTF-8 text for an OData query string or link: RFC 3986's unreserved characters and those OData
     * syntax uses unencoded ({@code '()*,:@$/!;=}) stay, so links stay readable; everything else, {@code %},
     * {@code &}, {@code +}, {@code #} and spaces included, is escaped.
     */
    public static String encode(String text) {
        return encode(text, ODATA_PLAIN);
    }

    /**
     * An RFC 8187 extended value in UTF-8 ({@code UTF-8''na%C3%AFve.pdf}): attr-chars stay, every other octet is
     * escaped.
     */
    public static String extendedValue(String text) {
        return "UTF-8''" + encode(text, ATTR_CHAR_PLAIN);
    }

    /**
     * Decodes an RFC 8187 extended value ({@code UTF-8''na%C3%AFve.pdf}; UTF-8 and ISO-8859-1 are supported), or
     * null when it is malformed (a caller then falls back to the plain parameter). Unlike form encoding, a {@code +} is
     * itself (RFC 8187 attr-char), so Jetty's UrlEncoded does not fit; Olingo's {@link Decoder} knows UTF-8 only and
     * replaces invalid octets instead of refusing them, so the octets are read here and decoded strictly.
     */
    public static String decodeExtendedValue(String text) {
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

    /**
     * URL text that may hold characters a client sent unencoded, made into valid URI text: characters a URI never
     * holds (spaces, controls, {@code "<>\^`{|}}, anything outside ASCII) are escaped; the rest, existing escapes
     * included, stays as it is.
     */
    static String escapeForUri(String text) {
        return escapeWhere(text, c -> c <= 0x20 || c >= 0x7f || NEVER_IN_URI.indexOf(c) >= 0);
    }

    /**
     * Olingo's encoding, which leaves only the unreserved characters and the apostrophe as they are, with the
     * escapes of {@code plain}'s characters undone and the apostrophe escaped unless it is one of them.
     */
    private static String encode(String text, String plain) {
        String encoded = Encoder.encode(text);
        StringBuilder out = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                // Every % of Encoder's output starts an escape of its own, so no escape is read across two.
                char octet = (char) Integer.parseInt(encoded, i + 1, i + 3, 16);
                if (plain.indexOf(octet) >= 0) {
                    out.append(octet);
                } else {
                    out.append(encoded, i, i + 3);
                }
                i += 2;
            } else if (c == '\'' && plain.indexOf('\'') < 0) {
                out.append("%27");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The text with every character outside ASCII escaped as its UTF-8 octets, as {@link Decoder} needs. */
    private static String asciiOnly(String text) {
        return escapeWhere(text, c -> c > 0x7f);
    }

    /**
     * The text with each run of characters that {@code escaped} picks replaced by its UTF-8 escapes. Only runs of
     * characters Olingo's Encoder would keep (unreserved ones and the apostrophe) must never be picked.
     */
    private static String escapeWhere(String text, IntPredicate escaped) {
        StringBuilder out = null;
        int i = 0;
        while (i < text.length()) {
            int end = i;
            while (end < text.length() && escaped.test(text.charAt(end))) {
                end++;
            }
            if (end > i) {
                out = out != null ? out : new StringBuilder(text.length() + 16).append(text, 0, i);
                out.append(Encoder.encode(text.substring(i, end)));
                i = end;
            } else {
                if (out != null) {
                    out.append(text.charAt(i));
                }
                i++;
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
