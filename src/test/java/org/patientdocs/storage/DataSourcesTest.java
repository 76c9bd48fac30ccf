package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.junit.jupiter.api.Test;
import org.patientdocs.config.ServiceConfig;

class DataSourcesTest {

    private static HikariConfig pool(String url, long timeoutMillis) {
        return DataSources.poolConfig(new ServiceConfig.Database(url, "", "", 7, Duration.ofMillis(timeoutMillis)));
    }

    @Test
    void requestsWaitNoLongerThanTheConnectTimeout() {
        HikariConfig config = pool("jdbc:h2:mem:x", 1500);
        assertEquals(1500, config.getConnectionTimeout());
        assertTrue(config.getValidationTimeout() < config.getConnectionTimeout());
        assertEquals(7, config.getMaximumPoolSize());
    }

    @Test
    void thePostgresDriverFailsAsFastAsThePool() {
        HikariConfig config = pool("jdbc:postgresql://db/documents", 1500);
        assertEquals("2", config.getDataSourceProperties().getProperty("connectTimeout"));
        assertEquals("true", config.getDataSourceProperties().getProperty("tcpKeepAlive"));
    }

    @Test
    void h2GetsNoPostgresProperties() {
        assertTrue(pool("jdbc:h2:mem:x", 1500).getDataSourceProperties().isEmpty(), "H2 refuses unknown settings");
    }

    @Test
    void connectionsBrokenByAnOutageLeaveThePool() {
        SQLExceptionOverride override = pool("jdbc:h2:mem:x", 1000).getExceptionOverride();
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, override.adjudicate(new SQLException("x", "90121")));
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, override.adjudicate(new SQLException("x", "57P01")));
        assertEquals(SQLExceptionOverride.Override.CONTINUE_EVICT,
                override.adjudicate(new SQLException("x", "23505")));
    }
}
