package org.patientdocs.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The accepted API keys, held only as SHA-256 hashes. A presented key is hashed and compared with every
 * accepted hash in constant time, so neither the match position nor a common prefix shows in the timing.
 */
public final class ApiKeys {

    /** How much of a key's hash identifies it (in logs of the audit trail, say): 48 bits, not the key. */
    static final int ID_HEX_DIGITS = 12;

    private final List<byte[]> hashes;

    /** @param sha256Hex hex SHA-256 hashes (64 hex digits, any case) of the accepted keys */
    public ApiKeys(Collection<String> sha256Hex) {
        this.hashes = sha256Hex.stream().map(ApiKeys::parseHash).toList();
    }

    /** Whether the presented key is one of the accepted keys; null or empty is never accepted. */
    public boolean accepts(String presented) {
        return identify(presented) != null;
    }

    /**
     * A non-secret identifier of the presented key, if it is one of the accepted keys: the first
     * {@value #ID_HEX_DIGITS} hex digits of its SHA-256 (what {@code auth.api-key-sha256} lists); null otherwise.
     */
    public String identify(String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] digest = sha256(presented);
        byte[] accepted = null;
        for (byte[] hash : hashes) {
            // no early exit: every hash is compared whatever the outcome
            if (MessageDigest.isEqual(hash, digest)) {
                accepted = hash;
            }
        }
        return accepted == null ? null : HexFormat.of().formatHex(accepted).substring(0, ID_HEX_DIGITS);
    }

    /** The lower-case hex SHA-256 of a key's UTF-8 bytes, the form {@code auth.api-key-sha256} expects. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static byte[] parseHash(String hex) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("an API key hash must be 64 hex digits (SHA-256)");
        }
        return HexFormat.of().parseHex(hex);
    }
}
