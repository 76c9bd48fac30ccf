package org.patientdocs.storage;

import java.time.LocalDate;

/**
 * A patient as stored.
 *
 * @param tenant the tenant the patient belongs to; its id is unique within that tenant only
 */
public record PatientRecord(String tenant, String id, String firstName, String lastName, LocalDate birthDate) {
}
