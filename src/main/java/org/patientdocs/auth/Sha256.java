package org.patientdocs.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a credential's text, as every request hashes its API key and its token: from a clone of one digest, since
 * {@link MessageDigest#getInstance} looks its provider up at each call (3 % of a by-key read's CPU under wrk).
 */
final class Sha256 {

    private static final MessageDigest PROTOTYPE = prototype();

    private Sha256() {
    }

    /** The SHA-256 of the text's UTF-8 bytes. */
    static byte[] of(String text) {
        return fresh().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The same, in lower-case hex. */
    static String hex(String text) {
        return HexFormat.of().formatHex(of(text));
    }

    private static MessageDigest fresh() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
