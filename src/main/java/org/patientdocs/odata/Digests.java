package org.patientdocs.odata;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The digest fields of RFC 9530, in the one algorithm the service has: SHA-256, which every upload is hashed with as
 * it arrives and every document's row keeps. A download carries {@code Repr-Digest} (of the whole document, also for a
 * range) and, when it sends the whole document, {@code Content-Digest}; {@code Want-Repr-Digest} and
 * {@code Want-Content-Digest} are hints (§4): the service sends sha-256 whatever else they prefer, and leaves the field
 * out only when they call sha-256 not acceptable ({@code sha-256=0}). An upload's claimed digests are read here too.
 */
final class Digests {

    static final String REPR_DIGEST = "Repr-Digest";
    static final String CONTENT_DIGEST = "Content-Digest";
    static final String SHA_256 = "sha-256";
    private static final int SHA_256_BYTES = 32;

    private Digests() {
    }

    /** The field value for a document's SHA-256 given in hex, e.g. {@code sha-256=:X48E9q...=:}. */
    static String field(String sha256Hex) {
        return SHA_256 + "=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256Hex)) + ":";
    }

    /** Whether a {@code Want-*-Digest} value leaves sha-256 acceptable: absent, or not naming it with weight 0. */
    static boolean wanted(String want) {
        if (want == null) {
            return true;
        }
        for (String member : want.split(",")) {
            String[] pair = member.split(";", 2)[0].split("=", 2);
            if (pair.length == 2 && pair[0].strip().toLowerCase(Locale.ROOT).equals(SHA_256)
                    && pair[1].strip().equals("0")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The SHA-256 an upload's digest field claims, or null when the field is absent.
     *
     * @param name what the field is called, named in a refusal (a header or the form field)
     * @throws ServiceException.BadRequest {@code UNSUPPORTED_DIGEST_ALGORITHM} when it claims only digests in other
     *                                     algorithms (there is nothing to check them with; storing the document
     *                                     unchecked would ignore what the client asked for), or {@code BAD_REQUEST}
     *                                     when it is not a digest field
     */
    static byte[] claimedSha256(String value, String name) {
        if (value == null) {
            return null;
        }
        List<String> others = new ArrayList<>();
        byte[] sha256 = null;
        for (String member : value.split(",")) {
            if (member.isBlank()) {
                continue;
            }
            String[] pair = member.split(";", 2)[0].split("=", 2);
            String algorithm = pair[0].strip().toLowerCase(Locale.ROOT);
            String bytes = pair.length == 2 ? pair[1].strip() : "";
            if (algorithm.isEmpty() || bytes.length() < 2 || !bytes.startsWith(":") || !bytes.endsWith(":")) {
                throw invalid(name);
            }
            if (!algorithm.equals(SHA_256)) {
                others.add(algorithm);
                continue;
            }
            try {
                sha256 = Base64.getDecoder().decode(bytes.substring(1, bytes.length() - 1));
            } catch (IllegalArgumentException e) {
                throw invalid(name);
            }
            if (sha256.length != SHA_256_BYTES) {
                throw invalid(name);
            }
        }
        if (sha256 == null && !others.isEmpty()) {
            throw new ServiceException.BadRequest(ErrorCode.UNSUPPORTED_DIGEST_ALGORITHM, name, name
                    + " names only " + String.join(", ", others) + "; the service checks sha-256 digests only: send "
                    + SHA_256 + "=:<base64 of the SHA-256>:");
        }
        if (sha256 == null) {
            throw invalid(name);
        }
        return sha256;
    }

    private static ServiceException invalid(String name) {
        return new ServiceException.BadRequest(ErrorCode.BAD_REQUEST, name, name + " is not a digest field;"
                + " send it as " + SHA_256 + "=:<base64 of the SHA-256>: (RFC 9530)");
    }
}
