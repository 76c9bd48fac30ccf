package org.patientdocs.storage;

import java.time.LocalDate;

/** A patient as stored. */
public record PatientRecord(String id, String firstName, String lastName, LocalDate birthDate) {
}
