package org.patientdocs.storage;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Writes of patients, by tenant and key; reads go through the query service, which finds the patient a request
 * addresses first. Every statement names the tenant, so that even a write called with another tenant's patient id
 * cannot touch that tenant's row.
 */
public final class PatientStore {

    private final DataSource dataSource;

    public PatientStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public boolean exists(String tenant, String id) {
        try {
            return Statements.exists(dataSource, "SELECT 1 FROM patient WHERE tenant_id = ? AND id = ?", tenant, id);
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /** Inserts the patient into its tenant; 409 when the tenant has a patient with this id already. */
    public void insert(PatientRecord patient) {
        try {
            Statements.update(dataSource, "INSERT INTO patient (tenant_id, id, first_name, last_name, birth_date,"
                            + " version) VALUES (?, ?, ?, ?, ?, 1)",
                    patient.tenant(), patient.id(), patient.firstName(), patient.lastName(), patient.birthDate());
        } catch (SQLException e) {
            if (StoreFailure.isState(e, StoreFailure.UNIQUE_VIOLATION)) {
                throw new ServiceException.Conflict(ErrorCode.CONFLICT, "A patient with this id already exists");
            }
            throw StoreFailure.of(e);
        }
    }

    /**
     * Replaces the patient's properties if its row is still at {@code version}; false when its tenant has no such
     * patient or it changed meanwhile.
     */
    public boolean update(PatientRecord patient, long version) {
        try {
            return Statements.update(dataSource, "UPDATE patient SET first_name = ?, last_name = ?, birth_date = ?,"
                            + " version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?",
                    patient.firstName(), patient.lastName(), patient.birthDate(), patient.tenant(), patient.id(),
                    version) == 1;
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    /**
     * Deletes a patient without documents; false when the tenant has no such patient, 409 while documents remain.
     */
    public boolean delete(String tenant, String id) {
        try {
            return Statements.update(dataSource, "DELETE FROM patient WHERE tenant_id = ? AND id = ?", tenant, id) == 1;
        } catch (SQLException e) {
            if (StoreFailure.isState(e, StoreFailure.FOREIGN_KEY_VIOLATION)) {
                throw new ServiceException.Conflict(ErrorCode.PATIENT_HAS_DOCUMENTS,
                        "The patient still has documents; delete them first");
            }
            throw StoreFailure.of(e);
        }
    }
}
