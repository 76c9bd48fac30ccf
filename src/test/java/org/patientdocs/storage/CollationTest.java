package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.patientdocs.query.Dialect;

class CollationTest {

    private static JdbcDataSource h2(String settings) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:collation-" + UUID.randomUUID() + settings);
        return h2;
    }

    @Test
    void codePointOrderIsAccepted() {
        assertDoesNotThrow(() -> Collation.verify(h2(""), Dialect.H2));
    }

    @Test
    void onPostgresqlCaseMappingBeyondAsciiIsRefused() {
        // H2's LOWER and UPPER map every letter, as PostgreSQL's do under a language LC_CTYPE
        Collation.WrongCollation e = assertThrows(Collation.WrongCollation.class,
                () -> Collation.verify(h2(""), Dialect.POSTGRESQL));
        assertTrue(e.getMessage().contains("LC_CTYPE 'C'"), e.getMessage());
    }

    @Test
    void aLanguageCollationIsRefusedWithTheRemedy() {
        Collation.WrongCollation e = assertThrows(Collation.WrongCollation.class,
                () -> Collation.verify(h2(";INIT=SET COLLATION ENGLISH"), Dialect.H2));
        assertTrue(e.getMessage().contains("LC_COLLATE 'C'"), e.getMessage());
    }
}
