package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

class TransactionsTest {

    /**
     * The database went away while the work ran: its statement failed, the work answered that failure and asked for
     * a rollback, and the pool (as HikariCP does) closed the broken connection, which now refuses every call with a
     * message that names no database state.
     */
    @Test
    void workWhoseConnectionThePoolClosedEndsWithItsOwnAnswer() {
        List<String> calls = new ArrayList<>();
        boolean[] closed = {false};
        Connection connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    return switch (method.getName()) {
                        case "isClosed" -> closed[0];
                        case "close" -> null;
                        default -> {
                            if (closed[0]) {
                                throw new SQLException("Connection is closed");
                            }
                            yield null;
                        }
                    };
                });
        DataSource pool = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> connection);
        String answer = new Transactions(pool).inTransaction(() -> {
            closed[0] = true;
            return new Transactions.Outcome<>("503 from the work", false);
        });
        assertEquals("503 from the work", answer);
        assertEquals(List.of("setAutoCommit", "isClosed", "isClosed", "close"), calls);
    }
}
