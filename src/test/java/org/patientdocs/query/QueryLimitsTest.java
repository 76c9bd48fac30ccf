package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.olingo.server.api.uri.UriInfo;
import org.junit.jupiter.api.Test;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class QueryLimitsTest {

    private static final ServiceConfig.Query LIMITS = new ServiceConfig.Query(1000, 500, 10, 32, 2);

    private static ServiceException refused(String set, String query) {
        UriInfo uri = Parsed.parse(set, query);
        ServiceException e = assertThrows(ServiceException.BadRequest.class,
                () -> QueryLimits.check(uri, uri.getAliases(), LIMITS));
        assertEquals(ErrorCode.QUERY_LIMIT_EXCEEDED, e.code());
        return e;
    }

    private static void accepted(String set, String query) {
        UriInfo uri = Parsed.parse(set, query);
        assertDoesNotThrow(() -> QueryLimits.check(uri, uri.getAliases(), LIMITS));
    }

    @Test
    void topAboveTheLimitIsRefusedNamingTheLimit() {
        ServiceException e = refused("Documents", "$top=501");
        assertEquals("$top", e.target());
        assertTrue(e.getMessage().contains("query.max-top is 500"), e.getMessage());
        accepted("Documents", "$top=500");
    }

    @Test
    void aFilterWithTooManyNodesIsRefused() {
        ServiceException e = refused("Documents", "$filter=file_size_bytes eq 1 or file_size_bytes eq 2"
                + " or file_size_bytes eq 3 or file_size_bytes eq 4");
        assertTrue(e.getMessage().contains("query.max-filter-nodes is 10"), e.getMessage());
        accepted("Documents", "$filter=file_size_bytes eq 1 or file_size_bytes eq 2");
    }

    @Test
    void lambdaBodiesAndAliasValuesCount() {
        refused("Patients", "$filter=Documents/any(d:d/file_size_bytes eq 1 or d/file_size_bytes eq 2"
                + " or d/file_size_bytes eq 3)");
        refused("Documents", "$filter=file_size_bytes eq @a&@a=1 add 2 add 3 add 4 add 5 add 6");
    }

    @Test
    void orderbyHasTheSameLimit() {
        assertEquals("$orderby", refused("Documents", "$orderby=length(concat(concat(file_name,'a'),concat("
                + "file_name,'b'))),length(concat(file_name,concat(file_name,'c')))").target());
    }

    @Test
    void expandDeeperThanTheLimitIsRefused() {
        ServiceException e = refused("Patients", "$expand=Documents($expand=Patient($expand=Documents))");
        assertTrue(e.getMessage().contains("query.max-expand-depth is 2"), e.getMessage());
        accepted("Patients", "$expand=Documents($expand=Patient)");
    }

    @Test
    void nestedOptionsAreCheckedToo() {
        refused("Patients", "$expand=Documents($top=501)");
    }
}
