package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ResultRowTest {

    private static final String[] NAMES = {"id", "description", "@version"};
    private static final Map<String, Integer> POSITIONS = Map.of("id", 0, "description", 1, "@version", 2);

    @Test
    void readsLikeTheMapOfItsColumnsInOrder() {
        Map<String, Object> row = new ResultRow(POSITIONS, NAMES, new Object[] {"doc-1", null, 3L});
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", "doc-1");
        expected.put("description", null);
        expected.put("@version", 3L);

        assertEquals(expected, row);
        assertEquals(expected.hashCode(), row.hashCode());
        assertEquals("doc-1", row.get("id"));
        assertNull(row.get("description"));
        assertTrue(row.containsKey("description"), "a null value is still a column");
        assertFalse(row.containsKey("file_name"));
        assertNull(row.get("file_name"));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(row.keySet()));
        List<String> visited = new ArrayList<>();
        row.forEach((name, value) -> visited.add(name + "=" + value));
        assertEquals(List.of("id=doc-1", "description=null", "@version=3"), visited);
    }

    @Test
    void isReadOnly() {
        Map<String, Object> row = new ResultRow(POSITIONS, NAMES, new Object[] {"doc-1", null, 3L});
        assertThrows(UnsupportedOperationException.class, () -> row.put("id", "doc-2"));
    }
}
