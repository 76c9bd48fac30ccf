package org.patientdocs.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The hash chain of a tenant's audit trail: event n's chain value is the SHA-256 of event n-1's chain value and of
 * every value event n holds (its tenant and position included), so that changing or removing any event breaks the
 * link to its successor. The writer ({@link AuditLog}) and the verifier ({@link AuditVerifier}) both compute it here.
 * <p>
 * The values are encoded without ambiguity before hashing: a version tag, then each value with a marker for null, its
 * length and its UTF-8 bytes (a list: its size, then its elements), numbers in eight bytes, the time as microseconds
 * since the epoch.
 */
final class AuditChain {

    /** The chain value before a tenant's first event. */
    static final String START = "0".repeat(64);
    private static final byte[] VERSION = "patientdocs-audit-1".getBytes(StandardCharsets.US_ASCII);

    private AuditChain() {
    }

    /** The chain value of {@code event}, the tenant's {@code position}th, after one whose chain value is given. */
    static String next(String previous, long position, AuditEvent event) {
        MessageDigest sha256 = sha256();
        Encoder out = new Encoder(sha256);
        out.bytes(VERSION);
        out.text(previous);
        out.text(event.tenant());
        out.number(position);
        out.number(event.at().getEpochSecond() * 1_000_000L + event.at().getNano() / 1_000);
        out.text(event.subject());
        out.text(event.apiKeyId());
        out.text(event.action().text());
        out.text(event.resource());
        out.text(event.query());
        out.list(event.patientIds());
        out.list(event.documentIds());
        out.number(event.entityCount());
        out.number((long) event.status());
        out.text(event.requestId());
        out.text(event.clientAddress());
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Writes values into the digest, each in a form no other value shares. */
    private record Encoder(MessageDigest digest) {

        void bytes(byte[] bytes) {
            number((long) bytes.length);
            digest.update(bytes);
        }

        void text(String text) {
            if (text == null) {
                digest.update((byte) 0);
                return;
            }
            digest.update((byte) 1);
            bytes(text.getBytes(StandardCharsets.UTF_8));
        }

        void list(List<String> texts) {
            if (texts == null) {
                digest.update((byte) 0);
                return;
            }
            digest.update((byte) 1);
            number((long) texts.size());
            texts.forEach(this::text);
        }

        void number(Long value) {
            if (value == null) {
                digest.update((byte) 0);
                return;
            }
            digest.update((byte) 1);
            long v = value;
            for (int shift = 56; shift >= 0; shift -= 8) {
                digest.update((byte) (v >>> shift));
            }
        }
    }
}
