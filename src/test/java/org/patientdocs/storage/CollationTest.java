package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class CollationTest {

    private static JdbcDataSource h2(String settings) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:collation-" + UUID.randomUUID() + settings);
        return h2;
    }

    @Test
    void codePointOrderIsAccepted() {
        assertDoesNotThrow(() -> Collation.verify(h2("")));
    }

    @Test
    void aLanguageCollationIsRefusedWithTheRemedy() {
        Collation.WrongCollation e = assertThrows(Collation.WrongCollation.class,
                () -> Collation.verify(h2(";INIT=SET COLLATION ENGLISH")));
        assertTrue(e.getMessage().contains("LC_COLLATE 'C'"), e.getMessage());
    }
}
