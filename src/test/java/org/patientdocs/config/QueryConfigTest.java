package org.patientdocs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryConfigTest {

    @Test
    void theQueryLimitsHaveDefaults() {
        assertEquals(new ServiceConfig.Query(1000, 100_000, 500, 32, 3),
                ConfigLoader.fromOverrides(Map.of()).query());
    }

    @Test
    void eachLimitCanBeOverridden() {
        ServiceConfig.Query query = ConfigLoader.fromOverrides(Map.of("query.max-page-size", "50",
                "query.max-top", "10", "query.max-filter-nodes", "7", "query.max-nesting-depth", "5",
                "query.max-expand-depth", "1")).query();
        assertEquals(new ServiceConfig.Query(50, 10, 7, 5, 1), query);
    }

    @ParameterizedTest
    @CsvSource({
        "query.max-page-size, 0",
        "query.max-page-size, 100001",
        "query.max-top, -1",
        "query.max-filter-nodes, x",
        "query.max-nesting-depth, 1001",
        "query.max-expand-depth, 11",
    })
    void anInvalidLimitStopsTheStartNamingTheKey(String key, String value) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.fromOverrides(Map.of(key, value)));
        assertTrue(e.getMessage().startsWith(key + " must be an integer in"), e.getMessage());
    }
}
