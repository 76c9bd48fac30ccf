package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.patientdocs.storage.AuditEvent.Action;

class AuditChainTest {

    static final AuditEvent EVENT = new AuditEvent("default", Instant.parse("2026-02-21T14:30:00.123456Z"),
            "user-456", "0123456789abcdef", Action.LIST, "Patients('12345')/Documents",
            "$filter=document_type%20eq%20'Referral'", List.of("12345"), List.of("doc-a", "doc-b"), 2L, 200,
            "00ff00ff00ff00ff", "127.0.0.1");

    /** Trails written before stay verifiable: the encoding, once released, never changes. */
    @Test
    void theChainValueOfAnEventIsFixed() {
        assertEquals("40b504c4", AuditChain.next(AuditChain.START, 1, EVENT).substring(0, 8));
    }

    @Test
    void everyValueOfAnEventAndItsPlaceEnterTheChain() {
        List<String> chains = new ArrayList<>();
        chains.add(AuditChain.next(AuditChain.START, 1, EVENT));
        chains.add(AuditChain.next("1".repeat(64), 1, EVENT));
        chains.add(AuditChain.next(AuditChain.START, 2, EVENT));
        for (AuditEvent changed : List.of(
                with(EVENT, "tenant", "other"),
                new AuditEvent(EVENT.tenant(), EVENT.at().plusNanos(1_000), EVENT.subject(), EVENT.apiKeyId(),
                        EVENT.action(), EVENT.resource(), EVENT.query(), EVENT.patientIds(), EVENT.documentIds(),
                        EVENT.entityCount(), EVENT.status(), EVENT.requestId(), EVENT.clientAddress()),
                with(EVENT, "subject", "user-457"),
                with(EVENT, "apiKeyId", "0123456789abcdee"),
                new AuditEvent(EVENT.tenant(), EVENT.at(), EVENT.subject(), EVENT.apiKeyId(), Action.READ,
                        EVENT.resource(), EVENT.query(), EVENT.patientIds(), EVENT.documentIds(),
                        EVENT.entityCount(), EVENT.status(), EVENT.requestId(), EVENT.clientAddress()),
                with(EVENT, "resource", "Patients('12346')/Documents"),
                with(EVENT, "query", null),
                lists(List.of("12345", "doc-a"), List.of("doc-b")),
                lists(List.of(), List.of("doc-a", "doc-b")),
                lists(null, List.of("doc-a", "doc-b")),
                lists(List.of("12345"), List.of("doc-b", "doc-a")),
                counted(3L),
                counted(null),
                new AuditEvent(EVENT.tenant(), EVENT.at(), EVENT.subject(), EVENT.apiKeyId(), EVENT.action(),
                        EVENT.resource(), EVENT.query(), EVENT.patientIds(), EVENT.documentIds(),
                        EVENT.entityCount(), 404, EVENT.requestId(), EVENT.clientAddress()),
                with(EVENT, "requestId", "00ff00ff00ff00fe"),
                with(EVENT, "clientAddress", null))) {
            chains.add(AuditChain.next(AuditChain.START, 1, changed));
        }
        Set<String> distinct = new HashSet<>(chains);
        assertEquals(chains.size(), distinct.size(), chains.toString());
    }

    @Test
    void valuesCannotShiftFromOneFieldIntoTheNext() {
        AuditEvent one = with(with(EVENT, "subject", "ab"), "apiKeyId", "c");
        AuditEvent other = with(with(EVENT, "subject", "a"), "apiKeyId", "bc");
        assertNotEquals(AuditChain.next(AuditChain.START, 1, one), AuditChain.next(AuditChain.START, 1, other));
    }

    private static AuditEvent with(AuditEvent e, String field, String value) {
        return new AuditEvent(field.equals("tenant") ? value : e.tenant(), e.at(),
                field.equals("subject") ? value : e.subject(), field.equals("apiKeyId") ? value : e.apiKeyId(),
                e.action(), field.equals("resource") ? value : e.resource(), field.equals("query") ? value : e.query(),
                e.patientIds(), e.documentIds(), e.entityCount(), e.status(),
                field.equals("requestId") ? value : e.requestId(),
                field.equals("clientAddress") ? value : e.clientAddress());
    }

    private static AuditEvent lists(List<String> patients, List<String> documents) {
        return new AuditEvent(EVENT.tenant(), EVENT.at(), EVENT.subject(), EVENT.apiKeyId(), EVENT.action(),
                EVENT.resource(), EVENT.query(), patients, documents, EVENT.entityCount(), EVENT.status(),
                EVENT.requestId(), EVENT.clientAddress());
    }

    private static AuditEvent counted(Long count) {
        return new AuditEvent(EVENT.tenant(), EVENT.at(), EVENT.subject(), EVENT.apiKeyId(), EVENT.action(),
                EVENT.resource(), EVENT.query(), EVENT.patientIds(), EVENT.documentIds(), count, EVENT.status(),
                EVENT.requestId(), EVENT.clientAddress());
    }
}
