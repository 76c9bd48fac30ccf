package org.patientdocs.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalUrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/Patients(12345)/Documents(doc-abc123)/$value | /Patients('12345')/Documents('doc-abc123')/$value",
        "/Patients('12345') | /Patients('12345')",
        "/Patients(%2712345%27) | /Patients(%2712345%27)",
        "/Patients(@k) | /Patients(@k)",
        "/Patients(%40k) | /Patients(%40k)",
        "/Patients(id='1') | /Patients(id='1')",
        "/Other(12345) | /Other(12345)",
        "/Documents | /Documents"})
    void unquotedKeysAreQuotedAndEveryOtherPathPassesUnchanged(String path, String canonical) {
        assertEquals(canonical, CanonicalUrls.path(path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/Patients/12345 | /Patients('12345')",
        "/Patients/12345/Documents/doc-abc123/$value | /Patients('12345')/Documents('doc-abc123')/$value",
        "/Documents/doc-abc123/Patient/Documents | /Documents('doc-abc123')/Patient/Documents",
        "/Documents/doc-abc123/file_name/$value | /Documents('doc-abc123')/file_name/$value",
        "/Patients/PatientDocs.Patient/12345 | /Patients/PatientDocs.Patient('12345')",
        "/Patients/PatientDocs.Patient | /Patients/PatientDocs.Patient",
        "/AuditEvents/5 | /AuditEvents(5)",
        "/AuditEvents/x | /AuditEvents('x')",
        "/Patients/O'Brien | /Patients('O''Brien')",
        "/Patients/O%27Brien | /Patients('O%27%27Brien')",
        "/Patients/$count | /Patients/$count",
        "/Patients/%24count | /Patients/%24count",
        "/Patients('1')/Documents/$ref | /Patients('1')/Documents/$ref",
        "/Patients/ | /Patients/",
        "/Patients/$filter(true)/$each | /Patients/$filter(true)/$each",
        "/vocabularies/Org.OData.Core.V1.xml | /vocabularies/Org.OData.Core.V1.xml"})
    void keysAsSegmentsMoveIntoParentheses(String path, String canonical) {
        assertEquals(canonical, CanonicalUrls.path(path));
    }

    @Test
    void aPlusInTheQueryIsASpaceAndAnEncodedPlusAPlus() {
        assertEquals("$filter=a%20eq%20'x%2By'&FILTER=1", CanonicalUrls.query("$filter=a+eq+'x%2By'&FILTER=1"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "NULL"}, nullValues = "NULL")
    void anEmptyQueryStaysEmpty(String query) {
        assertEquals(query, CanonicalUrls.query(query));
        assertNull(CanonicalUrls.query(null));
    }
}
