package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientdocs.error.ServiceException;

/** Patient ids are unique within a tenant, and every keyed write stays within the tenant it names. */
class PatientStoreTest {

    private static final String A = "clinic-a";
    private static final String B = "clinic-b";
    private static final String ID = "12345";

    private InstrumentedDataSource database;
    private PatientStore store;

    @BeforeEach
    void twoClinicsWithTheSamePatientNumber() {
        database = new InstrumentedDataSource();
        store = new PatientStore(database);
        store.insert(new PatientRecord(A, ID, "Ada", "Smith", LocalDate.of(1980, 2, 3)));
        store.insert(new PatientRecord(B, ID, "Bea", "Jones", null));
    }

    @Test
    void aSecondPatientWithTheIdInOneTenantIsAConflict() {
        assertThrows(ServiceException.Conflict.class, () -> store.insert(new PatientRecord(A, ID, null, null, null)));
    }

    @Test
    void anUpdateChangesOnlyItsTenantsPatient() throws SQLException {
        assertTrue(store.update(new PatientRecord(B, ID, "Beatrice", "Jones", null), 1));
        assertEquals("Ada/1", nameAndVersion(A));
        assertEquals("Beatrice/2", nameAndVersion(B));
    }

    @Test
    void anUpdateNamingAnotherTenantChangesNothingThere() throws SQLException {
        assertFalse(store.update(new PatientRecord("clinic-c", ID, "Mallory", null, null), 1));
        assertEquals("Ada/1", nameAndVersion(A));
        assertEquals("Bea/1", nameAndVersion(B));
    }

    @Test
    void aDeleteRemovesOnlyItsTenantsPatient() throws SQLException {
        assertTrue(store.delete(B, ID));
        assertFalse(store.exists(B, ID));
        assertTrue(store.exists(A, ID));
        assertEquals("Ada/1", nameAndVersion(A));
        assertFalse(store.delete("clinic-c", ID));
        assertTrue(store.exists(A, ID));
    }

    private String nameAndVersion(String tenant) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT first_name, version FROM patient WHERE tenant_id = ? AND id = ?")) {
            statement.setString(1, tenant);
            statement.setString(2, ID);
            try (ResultSet rs = statement.executeQuery()) {
                assertTrue(rs.next(), "no patient " + ID + " in " + tenant);
                return rs.getString(1) + "/" + rs.getLong(2);
            }
        }
    }
}
