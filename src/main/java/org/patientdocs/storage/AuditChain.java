package org.patientdocs.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
        Encoder out = new Encoder();
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
        return HexFormat.of().formatHex(out.digest());
    }

    /**
     * Writes values into the digest, each in a form no other value shares. The bytes are gathered in a buffer and
     * hashed a buffer at a time: a page's event lists thousands of ids, and the digest costs per call.
     */
    private static final class Encoder {
        private final MessageDigest digest = ContentSpool.sha256();
        private final byte[] buffer = new byte[8192];
        private int used;

        void bytes(byte[] bytes) {
            number((long) bytes.length);
            if (bytes.length > buffer.length - used) {
                drain();
                if (bytes.length > buffer.length) {
                    digest.update(bytes);
                    return;
                }
            }
            System.arraycopy(bytes, 0, buffer, used, bytes.length);
            used += bytes.length;
        }

        void text(String text) {
            if (text == null) {
                put((byte) 0);
                return;
            }
            put((byte) 1);
            bytes(text.getBytes(StandardCharsets.UTF_8));
        }

        void list(List<String> texts) {
            if (texts == null) {
                put((byte) 0);
                return;
            }
            put((byte) 1);
            number((long) texts.size());
            texts.forEach(this::text);
        }

        /** A null marker, or a marker and the eight bytes of {@code value}, most significant first. */
        void number(Long value) {
            if (value == null) {
                put((byte) 0);
                return;
            }
            put((byte) 1);
            if (buffer.length - used < Long.BYTES) {
                drain();
            }
            long bits = value;
            for (int shift = Long.SIZE - Byte.SIZE; shift >= 0; shift -= Byte.SIZE) {
                buffer[used++] = (byte) (bits >>> shift);
            }
        }

        private void put(byte b) {
            if (used == buffer.length) {
                drain();
            }
            buffer[used++] = b;
        }

        private void drain() {
            digest.update(buffer, 0, used);
            used = 0;
        }

        byte[] digest() {
            drain();
            return digest.digest();
        }
    }
}
