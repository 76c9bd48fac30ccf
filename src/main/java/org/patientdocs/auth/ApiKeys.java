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

    private final List<byte[]> hashes;

    /** @param sha256Hex hex SHA-256 hashes (64 hex digits, any case) of the accepted keys */
    public ApiKeys(Collection<String> sha256Hex) {
        this.hashes = sha256Hex.stream().map(ApiKeys::parseHash).toList();
    }

    /** Whether the presented key is one of the accepted keys; null or empty is never accepted. */
    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] digest = sha256(presented);
        boolean accepted = false;
        for (byte[] hash : hashes) {
            // no early exit: every hash is compared whatever the outcome
            accepted |= MessageDigest.isEqual(hash, digest);
        }
        return accepted;
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
