package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** A database written before tenants existed keeps its rows, in the default tenant, where its callers find them. */
class TenantMigrationIT {

    @Test
    void rowsWrittenBeforeTenantsBelongToTheDefaultTenant() throws Exception {
        try (TestDatabase database = TestDatabase.fresh()) {
            List<String> locations = new ArrayList<>(List.of("classpath:db/migration"));
            if (TestDatabase.isPostgres()) {
                locations.add("classpath:db/postgresql");
            }
            // the schema as it was before V12 (V11_1 exists on PostgreSQL only)
            Flyway.configure().dataSource(database.url(), database.user(), database.password())
                    .locations(locations.toArray(String[]::new)).target(TestDatabase.isPostgres() ? "11.1" : "11")
                    .load().migrate();
            try (Connection connection = DriverManager.getConnection(database.url(), database.user(),
                    database.password());
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO patient (id, first_name, last_name, version)"
                        + " VALUES ('12345', 'Ada', 'Smith', 3)");
                statement.executeUpdate("INSERT INTO document (id, patient_id, file_name, content_type,"
                        + " file_size_bytes, uploaded_by_id, uploaded_at, content_sha256, version) VALUES"
                        + " ('doc-old', '12345', 'old.pdf', 'application/pdf', 1, 'user-1',"
                        + " TIMESTAMP WITH TIME ZONE '2025-01-01 00:00:00+00', '" + "0".repeat(64) + "', 2)");
            }
            try (TestService service = TestService.start(database, Map.of())) {
                HttpResponse<String> patient = service.get("/Patients('12345')");
                assertEquals(200, patient.statusCode(), patient.body());
                assertEquals("W/\"3\"", patient.headers().firstValue("ETag").orElseThrow());
                JsonNode documents = TestService.json(service.get("/Patients('12345')/Documents"));
                assertEquals("doc-old", documents.get("value").get(0).get("id").asText());
                try (Connection connection = service.connect();
                     Statement statement = connection.createStatement()) {
                    var rs = statement.executeQuery("SELECT p.tenant_id, d.tenant_id FROM patient p"
                            + " JOIN document d ON d.patient_id = p.id");
                    rs.next();
                    assertEquals("default/default", rs.getString(1) + "/" + rs.getString(2));
                }
            }
        }
    }
}
