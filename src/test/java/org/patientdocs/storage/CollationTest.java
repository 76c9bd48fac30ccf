package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.patientdocs.query.Dialect;

/** The start-up check on H2; on PostgreSQL it reads the catalog, see TextOrderIT. */
class CollationTest {

    private static JdbcDataSource h2(String settings) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:collation-" + UUID.randomUUID() + settings);
        return h2;
    }

    @Test
    void codePointOrderIsAccepted() {
        assertDoesNotThrow(() -> Collation.verify(h2(""), Dialect.H2, "flyway_schema_history"));
    }

    @Test
    void anH2LanguageCollationIsRefusedWithTheRemedy() {
        Collation.WrongCollation e = assertThrows(Collation.WrongCollation.class,
                () -> Collation.verify(h2(";INIT=SET COLLATION ENGLISH"), Dialect.H2, "flyway_schema_history"));
        assertTrue(e.getMessage().contains("default comparison"), e.getMessage());
    }
}
