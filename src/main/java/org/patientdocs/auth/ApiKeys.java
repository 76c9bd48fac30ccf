package org.patientdocs.auth;

import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

import org.patientdocs.config.ServiceConfig;

/**
 * The accepted API keys, held only as SHA-256 hashes, each with the tenant it belongs to. A presented key is hashed
 * and compared with every accepted hash in constant time, so neither the match position nor a common prefix shows in
 * the timing.
 */
public final class ApiKeys {

    /** How much of a key's hash identifies it (in logs of the audit trail, say): 48 bits, not the key. */
    static final int ID_HEX_DIGITS = 12;

    /**
     * An accepted key as a request presented it.
     *
     * @param id     a non-secret identifier of the key: the first {@value #ID_HEX_DIGITS} hex digits of its SHA-256
     *               (what {@code auth.api-key-sha256} lists)
     * @param tenant the tenant the key belongs to
     */
    public record Key(String id, String tenant) {
    }

    private record Accepted(byte[] hash, String tenant) {
    }

    private final Supplier<? extends Collection<ServiceConfig.Auth.ApiKey>> source;
    private volatile List<Accepted> accepted;

    /** The fixed set of accepted keys. */
    public ApiKeys(Collection<ServiceConfig.Auth.ApiKey> keys) {
        this.source = null;
        this.accepted = parse(keys);
    }

    private ApiKeys(Supplier<? extends Collection<ServiceConfig.Auth.ApiKey>> source) {
        this.source = source;
        this.accepted = parse(source.get());
    }

    /**
     * Keys read from a source that may gain keys while the service runs (the development keys, one made whenever a
     * tenant's key is first asked for): a presented key that is not among them makes them read again.
     */
    public static ApiKeys reloading(Supplier<? extends Collection<ServiceConfig.Auth.ApiKey>> source) {
        return new ApiKeys(source);
    }

    /** Whether the presented key is one of the accepted keys; null or empty is never accepted. */
    public boolean accepts(String presented) {
        return identify(presented) != null;
    }

    /** The accepted key presented, with its identifier and tenant; null when it is not one of them. */
    public Key identify(String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] digest = Sha256.of(presented);
        Key key = find(digest, accepted);
        if (key == null && source != null) {
            accepted = parse(source.get());
            key = find(digest, accepted);
        }
        return key;
    }

    private static Key find(byte[] digest, List<Accepted> keys) {
        Accepted match = null;
        for (Accepted key : keys) {
            // no early exit: every hash is compared whatever the outcome
            if (MessageDigest.isEqual(key.hash(), digest)) {
                match = key;
            }
        }
        return match == null ? null
                : new Key(HexFormat.of().formatHex(match.hash()).substring(0, ID_HEX_DIGITS), match.tenant());
    }

    /** The lower-case hex SHA-256 of a key's UTF-8 bytes, the form {@code auth.api-key-sha256} expects. */
    public static String sha256Hex(String key) {
        return Sha256.hex(key);
    }

    private static List<Accepted> parse(Collection<ServiceConfig.Auth.ApiKey> keys) {
        return keys.stream().map(key -> new Accepted(HexFormat.of().parseHex(key.sha256()), key.tenant())).toList();
    }
}
