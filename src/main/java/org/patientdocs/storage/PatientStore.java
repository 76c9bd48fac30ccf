package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Writes of patients, by key; reads go through the query service, which finds the patient a request addresses first.
 */
public final class PatientStore {

    private final DataSource dataSource;

    public PatientStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public boolean exists(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM patient WHERE id = ?")) {
            statement.setString(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    public void insert(PatientRecord patient) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO patient (id, first_name, last_name, birth_date, version) VALUES (?, ?, ?, ?, 1)")) {
            statement.setString(1, patient.id());
            statement.setString(2, patient.firstName());
            statement.setString(3, patient.lastName());
            statement.setObject(4, patient.birthDate());
            statement.executeUpdate();
        } catch (SQLException e) {
            if (StoreFailure.isState(e, StoreFailure.UNIQUE_VIOLATION)) {
                throw new ServiceException.Conflict(ErrorCode.CONFLICT, "A patient with this id already exists");
            }
            throw StoreFailure.of(e);
        }
    }

    /**
     * Replaces the patient's properties if its row is still at {@code version}; false when there is no such patient
     * or it changed meanwhile.
     */
    public boolean update(PatientRecord patient, long version) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE patient SET first_name = ?, last_name = ?, birth_date = ?, version = version + 1"
                             + " WHERE id = ? AND version = ?")) {
            statement.setString(1, patient.firstName());
            statement.setString(2, patient.lastName());
            statement.setObject(3, patient.birthDate());
            statement.setString(4, patient.id());
            statement.setLong(5, version);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /** Deletes a patient without documents; false when there is no such patient, 409 while documents remain. */
    public boolean delete(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("DELETE FROM patient WHERE id = ?")) {
            statement.setString(1, id);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            if (StoreFailure.isState(e, StoreFailure.FOREIGN_KEY_VIOLATION)) {
                throw new ServiceException.Conflict(ErrorCode.PATIENT_HAS_DOCUMENTS,
                        "The patient still has documents; delete them first");
            }
            throw StoreFailure.of(e);
        }
    }
}
