package org.patientdocs.odata;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The {@code Slug} header (RFC 5023 §9.7): UTF-8 text with percent-encoded octets. */
final class Slugs {

    private Slugs() {
    }

    /** The decoded slug, or null when absent or blank. Malformed escapes are kept as they are. */
    static String decode(String slug) {
        if (slug == null || slug.isBlank()) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(slug.length());
        for (int i = 0; i < slug.length(); i++) {
            char c = slug.charAt(i);
            if (c == '%' && i + 2 < slug.length() && isHex(slug.charAt(i + 1)) && isHex(slug.charAt(i + 2))) {
                bytes.write(Integer.parseInt(slug.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
