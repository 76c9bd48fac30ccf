package org.patientdocs.odata;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** Reads the file name out of a {@code Content-Disposition} header value (RFC 6266, RFC 7578). */
final class ContentDisposition {

    static final String HEADER = "Content-Disposition";

    private ContentDisposition() {
    }

    /**
     * The file name of a Content-Disposition value such as {@code attachment; filename="a.pdf"} or
     * {@code form-data; name="file"; filename*=UTF-8''%C3%A4.pdf}: the RFC 8187 {@code filename*} when present and
     * valid, else {@code filename}, else null (also for a null header). The name is returned as sent, path and all;
     * cleaning it is the caller's business.
     *
     * @throws org.patientdocs.error.ServiceException.BadRequest when the header is malformed
     */
    static String fileName(String header) {
        return header == null ? null : fileNameOf(HeaderParameters.parse(HEADER, header));
    }

    static String fileNameOf(HeaderParameters parameters) {
        String extended = parameters.get("filename*");
        String decoded = extended == null ? null : decodeExtendedValue(extended);
        return decoded != null ? decoded : parameters.get("filename");
    }

    /**
     * Decodes an RFC 8187 extended value ({@code UTF-8''na%C3%AFve.pdf}; UTF-8 and ISO-8859-1 are supported), or
     * returns null when it is malformed, so that the plain {@code filename} is used instead. Unlike form encoding, a
     * {@code +} is itself (RFC 8187 attr-char), which is why Jetty's UrlEncoded does not fit here.
     */
    private static String decodeExtendedValue(String text) {
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
}
