package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.patientdocs.storage.AuditEvent.Action;

class AuditJournalTest {

    @Test
    void anEventReadBackFromItsLineIsTheEventWritten() {
        List<String> many = IntStream.range(0, 1000).mapToObj(i -> "doc-" + i).toList();
        for (AuditEvent event : List.of(AuditChainTest.EVENT,
                new AuditEvent("t\u00e9nant", Instant.parse("1969-12-31T23:59:59.999999Z"), "s\nub\"ject", "k",
                        Action.DENIED, "Patients('a\u202eb')", null, null, null, null, 403, "r", null),
                new AuditEvent("t", Instant.parse("2026-12-06T20:00:00.000001Z"), "s", "k", Action.LIST, "Documents",
                        "$top=1000", List.of(), many, 1000L, 200, "r", "::1"))) {
            byte[] line = AuditJournal.encode(event);
            assertEquals('\n', line[line.length - 1]);
            assertEquals(1, count(line, (byte) '\n'), "one line, whatever the values hold");
            assertEquals(event, AuditJournal.decode(line));
            assertEquals(AuditChain.next(AuditChain.START, 1, event),
                    AuditChain.next(AuditChain.START, 1, AuditJournal.decode(line)), "the same chain value");
        }
    }

    @Test
    void aLineCutShortHoldsNoEvent() {
        byte[] line = AuditJournal.encode(AuditChainTest.EVENT);
        for (int length : new int[] {0, 1, line.length / 2, line.length - 2}) {
            assertNull(AuditJournal.decode(Arrays.copyOf(line, length)), "cut at " + length);
        }
        assertArrayEquals(line, AuditJournal.encode(AuditJournal.decode(line)));
    }

    private static int count(byte[] bytes, byte b) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                at.add(i);
            }
        }
        return at.size();
    }
}
