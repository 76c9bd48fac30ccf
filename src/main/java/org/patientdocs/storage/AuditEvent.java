package org.patientdocs.storage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * One entry of the audit trail as the service records it: who (the token's subject, the tenant, the API key's
 * identifier), when, what ({@link Action}, the resource path and query, the ids of the patients and documents
 * concerned), with which outcome (the HTTP status), in which request (its id and the client's address). Its place in
 * the tenant's chain and its chain value are given when it is written ({@link AuditChain}).
 *
 * @param at          when; kept to the microsecond, as both stores keep it
 * @param query       the query options, or null when there were none
 * @param patientIds  the patients concerned, in the order of the answer, at most {@link #MAX_IDS}: an answer that
 *                    names more is recorded as several events
 * @param documentIds the documents concerned, as {@code patientIds}
 * @param entityCount how many entities the answer held (expanded ones included), or the number a {@code /$count}
 *                    answered; null for a request that answered no entities
 * @param clientAddress the address the request came from, or null
 */
public record AuditEvent(String tenant, Instant at, String subject, String apiKeyId, Action action, String resource,
                         String query, List<String> patientIds, List<String> documentIds, Long entityCount,
                         int status, String requestId, String clientAddress) {

    /** The most ids of one kind an event lists: the bound of H2's arrays. */
    public static final int MAX_IDS = 65_536;

    /** What the request did, or that it was refused. */
    public enum Action {
        LIST, READ, DOWNLOAD, CREATE, UPLOAD, UPDATE, DELETE, DENIED;

        private final String text = name().toLowerCase(Locale.ROOT);

        /** The name stored and shown: {@code list}, {@code read}, … */
        public String text() {
            return text;
        }

        static Action of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    public AuditEvent {
        at = at.truncatedTo(ChronoUnit.MICROS);
        patientIds = listed(patientIds);
        documentIds = listed(documentIds);
    }

    /** The ids as given; null only as read from a row someone changed, which the chain then refuses. */
    private static List<String> listed(List<String> ids) {
        if (ids == null) {
            return null;
        }
        if (ids.size() > MAX_IDS) {
            throw new IllegalArgumentException("an event lists at most " + MAX_IDS + " ids of a kind");
        }
        return List.copyOf(ids);
    }
}
