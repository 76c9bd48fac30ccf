package org.patientdocs.odata;

import java.time.LocalDate;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.deserializer.DeserializerException;
import org.patientdocs.auth.Caller;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.query.Row;
import org.patientdocs.storage.PatientRecord;

/** Creating, changing and deleting patients. */
final class PatientRequests {

    /** Patient numbers as clinics' systems issue them: letters, digits, '.', '_' and '-'. */
    static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** The properties a client may change; the id is chosen once, at creation. */
    private static final Set<String> WRITABLE = Set.of("first_name", "last_name", "birth_date");
    private static final String RELATIONSHIPS = "documents are created by uploading their content to POST"
            + " Patients('{id}')/Documents, and cannot move from one patient to another";

    private final Services services;

    PatientRequests(Services services) {
        this.services = services;
    }

    /**
     * Creates the patient in the caller's tenant.
     *
     * @param key the id the URL names, for an upsert ({@code PUT}/{@code PATCH Patients('12345')}): a body may repeat
     *            it, not name another; null for a {@code POST}, whose body names the id
     */
    Entity create(OData odata, ODataRequest request, ContentType format, Caller caller, String key)
            throws DeserializerException {
        Entity body = JsonBodies.entity(odata, request, format, services.model().patientType(), Set.of(),
                RELATIONSHIPS).entity();
        String id = text(body, "id");
        if (key != null && id != null && !id.equals(key)) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, "id", "The body's id differs from the"
                    + " patient's key in the URL; they must be the same");
        }
        id = key != null ? key : id;
        if (id == null || !PATIENT_ID.matcher(id).matches()) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, "id",
                    "A patient needs an id of 1 to 64 letters, digits, '.', '_' or '-', starting with a letter"
                            + " or digit");
        }
        PatientRecord patient = new PatientRecord(caller.tenant(), id, text(body, "first_name"),
                text(body, "last_name"), date(body, "birth_date"));
        services.patientStore().insert(patient);
        return Entities.fromRow(odata, services.model().patients(),
                Entities.row(services.model().columns().table(services.model().patientType()), patient));
    }

    /** Changes the patient if its row is still as {@code current} (the patient as the caller checked If-Match on). */
    void update(OData odata, ODataRequest request, ContentType format, Caller caller, Row current, boolean replace)
            throws DeserializerException {
        EdmEntityType type = services.model().patientType();
        JsonBodies.Body sent = JsonBodies.entity(odata, request, format, type, Set.of(), RELATIONSHIPS);
        sent.requireEtag(ETags.of(current.version()));
        sent.requireUnchanged(type, WRITABLE, current);
        Entity body = sent.entity();
        String id = (String) current.get("id");
        PatientRecord changed = new PatientRecord(caller.tenant(), id,
                pick(body, "first_name", replace, (String) current.get("first_name")),
                pick(body, "last_name", replace, (String) current.get("last_name")),
                body.getProperty("birth_date") != null || replace ? date(body, "birth_date")
                        : (LocalDate) current.get("birth_date"));
        if (!services.patientStore().update(changed, current.version())) {
            throw services.patientStore().exists(caller.tenant(), id) ? ETags.changedMeanwhile()
                    : new ServiceException.NotFound("The patient does not exist");
        }
    }

    void delete(Caller caller, String id) {
        if (!services.patientStore().delete(caller.tenant(), id)) {
            throw new ServiceException.NotFound("The patient does not exist");
        }
    }

    private static String pick(Entity body, String name, boolean replace, String current) {
        return body.getProperty(name) != null || replace ? text(body, name) : current;
    }

    static String text(Entity body, String name) {
        Property property = body.getProperty(name);
        return property == null || property.getValue() == null ? null : property.getValue().toString();
    }

    private static LocalDate date(Entity body, String name) {
        Property property = body.getProperty(name);
        Object value = property == null ? null : property.getValue();
        if (value == null) {
            return null;
        }
        if (value instanceof LocalDate date) {
            return date;
        }
        if (value instanceof GregorianCalendar calendar) {
            return calendar.toZonedDateTime().toLocalDate();
        }
        if (value instanceof Calendar calendar) {
            return LocalDate.of(calendar.get(Calendar.YEAR), calendar.get(Calendar.MONTH) + 1,
                    calendar.get(Calendar.DAY_OF_MONTH));
        }
        return LocalDate.parse(value.toString());
    }
}
