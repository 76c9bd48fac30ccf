package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientdocs.auth.ApiKeys;
import org.patientdocs.auth.ScopeNames;
import org.patientdocs.storage.DocumentIds;
import org.patientdocs.url.PercentCoding;

/**
 * A clinic sees only its own patients: two tenants, {@code clinic-a} and {@code clinic-b}, each with its own API key,
 * both have patients {@code 12345} and {@code 67890} with documents of the same names and labels; tenant A also has a
 * patient {@code a-only} that B lacks. Several hundred request forms, generated from paths × query options × paging
 * (collections, keys, navigation, lambdas and navigation paths in {@code $filter}, {@code $expand} at every level,
 * {@code $search}, {@code $apply}, {@code $count} and {@code /$count}, next links and skip tokens, both
 * {@code $batch} formats, {@code $entity?$id=}, {@code $value} by GET and HEAD) are sent as tenant B:
 * <ul>
 *     <li>none returns A's rows or A's markers, and B's answers are exactly the same before and after tenant A's
 *     data is deleted: A's rows are never returned, counted or noticed;</li>
 *     <li>A's patient or document answers exactly as a truly missing one (404, same body);</li>
 *     <li>changes (PATCH, PUT, DELETE, uploads, alone and in both batch formats) aimed at A's ids are refused as for a
 *     missing id (404; a PATCH or PUT of a document 400, since documents cannot be upserted, or 412 with
 *     {@code If-Match}, which makes it an update only) and change nothing; an upload or a create (also by upsert) by
 *     a patient id both tenants use lands in B's own patient.</li>
 * </ul>
 */
class TenantIsolationIT {

    private static final String TENANT_A = "clinic-a";
    private static final String TENANT_B = "clinic-b";
    private static final String KEY_A = "key-of-clinic-a";
    private static final String KEY_B = "key-of-clinic-b";
    /** Text only tenant A's rows hold: found in an answer to B, it is a leak. */
    private static final String MARKER = "alphasecret";
    private static final String A_ONLY = "a-only";
    private static final String NOBODY = "nobody-at-all";
    private static final String SHARED = "12345";
    private static final Pattern STATUS_LINE = Pattern.compile("\r\nHTTP/1\\.1 (\\d{3})");

    private TestService service;
    private TestService.Credentials a;
    private TestService.Credentials b;
    /** Tenant A's document ids: on the shared patient, on {@link #A_ONLY}, all of them. */
    private String docA;
    private String docAOnly;
    private final List<String> docsOfA = new ArrayList<>();
    /** Tenant B's document on the shared patient. */
    private String docB;
    /** A well-formed document id that no tenant has. */
    private final String docMissing = DocumentIds.newId();

    /**
     * One request form as tenant B.
     *
     * @param template the form with its slot unfilled ({@code {doc}}, {@code {patient}}, or none), for messages and to
     *                 pair an A id's answer with a missing id's
     * @param slot     the value filled into the slot, or null
     * @param expected the status the form must answer
     * @param pageSize a {@code Prefer: odata.maxpagesize}, or 0; every next link is then followed to the end
     */
    record Form(String template, String slot, String method, String url, List<String> headers, byte[] body,
                int expected, int pageSize) {

        @Override
        public String toString() {
            return method + " " + url + (pageSize > 0 ? " [maxpagesize " + pageSize + "]" : "");
        }
    }

    /** What a form answered: the first status, and every page's body as comparable text. */
    record Answer(int status, List<String> pages) {

        /** Short enough for a failure message of many lines. */
        @Override
        public String toString() {
            String text = String.join(" | ", pages);
            return text.length() > 400 ? text.substring(0, 400) + "…" : text;
        }
    }

    @BeforeEach
    void start() throws Exception {
        service = TestService.start(Map.of("auth.api-key-sha256",
                ApiKeys.sha256Hex(KEY_A) + ":" + TENANT_A + "," + ApiKeys.sha256Hex(KEY_B) + ":" + TENANT_B));
        a = new TestService.Credentials(KEY_A, service.token("user-a", TENANT_A, ScopeNames.DEFAULT.all()));
        b = new TestService.Credentials(KEY_B, service.token("user-b", TENANT_B, ScopeNames.DEFAULT.all()));
        // B first, then A with the same patient ids and the same documents, and more of them
        createPatient(b, SHARED, "Bea", "Shared");
        createPatient(b, "67890", "Bo", "Shared");
        createPatient(b, "b-only", "Bert", "Bravo");
        docB = upload(b, SHARED, "referral.pdf", "Referral", "Referral from Dr. Smith", Samples.pdf(2048));
        upload(b, SHARED, "scan.png", "Imaging", "Scan of the knee", Samples.png(900));
        upload(b, "67890", "referral.pdf", "Referral", "Referral from Dr. Smith", Samples.pdf(2048));
        upload(b, "b-only", "letter.pdf", "Letter", "Discharge letter", Samples.pdf(1500));

        createPatient(a, SHARED, "Alphasecret", "Shared");
        createPatient(a, "67890", "Ann", "Shared");
        createPatient(a, A_ONLY, "Al", "Alphasecret");
        docA = upload(a, SHARED, "referral.pdf", "Referral", "Referral from Dr. Smith", Samples.pdf(2048));
        docsOfA.add(docA);
        docsOfA.add(upload(a, SHARED, "scan.png", "Imaging", "Scan of the knee " + MARKER, Samples.png(900)));
        docsOfA.add(upload(a, SHARED, "notes.pdf", "Referral", "Notes " + MARKER, Samples.pdf(700)));
        docsOfA.add(upload(a, "67890", "referral.pdf", "Referral", "Referral from Dr. Smith", Samples.pdf(2048)));
        docAOnly = upload(a, A_ONLY, "referral.pdf", "Referral", "Referral " + MARKER, Samples.pdf(2048));
        docsOfA.add(docAOnly);
        docsOfA.add(upload(a, A_ONLY, "letter.pdf", "Letter", "Discharge letter", Samples.pdf(1500)));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
    }

    @Test
    void tenantBNeverSeesCountsOrNoticesTenantARows() throws Exception {
        List<Form> forms = readForms();
        assertTrue(forms.size() > 300, "forms: " + forms.size());
        Map<Form, Answer> withA = answers(forms);
        List<String> failures = new ArrayList<>();
        for (Form form : forms) {
            Answer answer = withA.get(form);
            if (answer.status() != form.expected()) {
                failures.add(form + " answered " + answer.status() + ", not " + form.expected() + ": "
                        + answer);
            }
            for (String leak : leaks(form, answer)) {
                failures.add(form + " reveals " + leak + ": " + answer);
            }
        }
        failures.addAll(differencesFromMissing(withA));
        assertNoFailures(failures);
        // anchors, so that the comparisons below compare something: B's own numbers
        assertEquals("4", only(withA, "GET Documents/$count"));
        assertEquals("3", only(withA, "GET Patients/$count"));
        assertEquals("2", only(withA, "GET Patients('12345')/Documents/$count"));

        deleteEverythingOf(a);
        Map<Form, Answer> withoutA = answers(forms);
        for (Form form : forms) {
            if (!withA.get(form).equals(withoutA.get(form))) {
                failures.add(form + " answered differently while tenant A had rows:\n  with A:    "
                        + withA.get(form) + "\n  without A: " + withoutA.get(form));
            }
        }
        assertNoFailures(failures);
    }

    @Test
    void changesToTenantARowsAreNotFoundLikeMissingOnesAndChangeNothing() throws Exception {
        List<Form> forms = changeForms();
        String database = service.snapshot();
        String viewOfA = viewOf(a);
        Map<Form, Answer> answers = answers(forms);
        List<String> failures = new ArrayList<>();
        for (Form form : forms) {
            Answer answer = answers.get(form);
            boolean refused = answer.status() >= 400 && answer.status() != 500;
            if (form.expected() < 0 ? !refused : answer.status() != form.expected()) {
                failures.add(form + " answered " + answer.status() + ", not " + form.expected() + ": "
                        + answer);
            }
            if (form.url().equals("$batch")) {
                List<Integer> statuses = batchStatuses(form, answer);
                if (statuses.isEmpty() || statuses.stream().anyMatch(status -> status / 100 != 4)) {
                    failures.add(form + " template " + form.template() + ": its operations answered " + statuses
                            + ", not all refused");
                }
            }
            for (String leak : leaks(form, answer)) {
                failures.add(form + " reveals " + leak + ": " + answer);
            }
        }
        failures.addAll(differencesFromMissing(answers));
        assertNoFailures(failures);
        assertEquals(database, service.snapshot(), "the database and the document store are as before");
        assertEquals(viewOfA, viewOf(a), "tenant A sees its patients and documents as before, ETags and bytes");
    }

    @Test
    void anUploadToAPatientIdBothTenantsUseLandsInTenantBsOwnPatient() throws Exception {
        String viewOfA = viewOf(a);
        String id = upload(b, SHARED, "referral.pdf", "Referral", "Referral from Dr. Smith", Samples.pdf(2048));
        HttpResponse<String> patient = send(b, "GET", "Documents('" + id + "')/Patient", List.of(), null, null);
        assertEquals(200, patient.statusCode(), patient.body());
        assertEquals("Bea", TestService.json(patient).get("first_name").asText(), "B's own patient 12345");
        assertEquals("3", send(b, "GET", "Patients('" + SHARED + "')/Documents/$count", List.of(), null, null)
                .body());
        assertEquals(404, send(a, "GET", "Documents('" + id + "')", List.of(), null, null).statusCode());

        // A's patient ids are free for B: creating one is no conflict (which would reveal A's), and changing or
        // deleting B's patient of an id A also uses leaves A's alone
        HttpResponse<String> created = send(b, "POST", "Patients", List.of("Content-Type", "application/json"),
                "{\"id\":\"" + A_ONLY + "\",\"last_name\":\"Bravo\"}", null);
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> changed = send(b, "PATCH", "Patients('" + SHARED + "')",
                List.of("Content-Type", "application/json"), "{\"first_name\":\"Changed\"}", null);
        assertEquals(2, changed.statusCode() / 100, changed.body());
        assertEquals(204, send(b, "DELETE", "Patients('" + A_ONLY + "')", List.of(), null, null).statusCode());
        assertEquals(viewOfA, viewOf(a), "tenant A's patients and documents are as before");
    }

    // ---- the forms

    /** Every read form: collections, counts, keys, navigation, properties, media, next links, batches. */
    private List<Form> readForms() throws Exception {
        List<Form> forms = new ArrayList<>();
        List<String> documentOptions = List.of("", "$count=true", "$filter=document_type eq 'Referral'",
                "$filter=file_name eq 'referral.pdf'&$count=true", "$filter=Patient/last_name eq 'Shared'",
                "$filter=Patient/first_name eq 'Alphasecret'", "$filter=patient_id eq 'a-only'",
                "$filter=id eq '" + docA + "'", "$filter=id ne '" + docAOnly + "'&$count=true",
                "$filter=contains(description,'Smith')", "$filter=contains(description,'" + MARKER + "')",
                "$filter=Patient/Documents/any(d:contains(d/description,'" + MARKER + "'))",
                "$filter=Patient/Documents/all(d:d/file_name eq 'referral.pdf')",
                "$filter=Patient/Documents/$count gt 1", "$expand=Patient",
                "$expand=Patient($expand=Documents($count=true;$filter=document_type eq 'Referral'))",
                "$expand=Patient($select=id,first_name;$expand=Documents($select=id,file_name;$orderby=file_name"
                        + " desc;$top=5;$count=true))",
                "$expand=Patient($compute=concat(first_name,last_name) as name;$select=name;$expand=Documents("
                        + "$compute=concat(description,'!') as said;$filter=contains(said,'" + MARKER + "')"
                        + " or true;$count=true))",
                "$search=referral", "$search=" + MARKER, "$search=scan OR notes&$count=true",
                "$orderby=file_name desc,id&$select=id,file_name,patient_id", "$top=2&$skip=1&$count=true",
                "$format=application/json;odata.metadata=full&$expand=Patient",
                "$apply=groupby((document_type,Patient/first_name),aggregate($count as n,file_size_bytes with sum"
                        + " as total))&$count=true",
                "$apply=filter(contains(description,'" + MARKER + "'))/aggregate($count as n)",
                "$compute=concat(description,'!') as said&$filter=contains(said,'" + MARKER + "') or true"
                        + "&$expand=Patient($select=first_name)&$count=true&$orderby=said desc",
                "$apply=compute(year(uploaded_at) as y)/groupby((y,patient_id),aggregate(id with countdistinct"
                        + " as n))&$orderby=n desc");
        for (String path : List.of("Documents", "Documents/PatientDocs.Document", "Patients('12345')/Documents",
                "Patients(12345)/Documents", "Patients('67890')/Documents", "Patients('b-only')/Documents")) {
            for (String options : documentOptions) {
                forms.add(get(path, options, null, 0));
                forms.add(get(path, options, null, 1));
            }
        }
        for (String options : documentOptions) {
            forms.add(get("Patients('{patient}')/Documents", options, A_ONLY, 0));
            forms.add(get("Patients('{patient}')/Documents", options, NOBODY, 0));
        }
        List<String> patientOptions = List.of("", "$count=true", "$filter=id eq '12345'",
                "$filter=id eq 'a-only'", "$filter=last_name eq 'Alphasecret' or first_name eq 'Alphasecret'",
                "$filter=Documents/any(d:d/document_type eq 'Referral')",
                "$filter=Documents/any(d:d/id eq '" + docA + "')",
                "$filter=Documents/any(d:contains(d/description,'" + MARKER + "'))",
                "$filter=Documents/all(d:d/file_name eq 'referral.pdf')", "$filter=Documents/$count ge 2",
                "$filter=Documents/any(d:d/Patient/first_name eq 'Alphasecret')", "$expand=Documents",
                "$expand=Documents($count=true)",
                "$expand=Documents($filter=document_type eq 'Referral';$count=true;$expand=Patient($expand="
                        + "Documents($count=true;$select=id,description)))",
                "$expand=Documents($filter=contains(description,'" + MARKER + "');$count=true)",
                "$expand=Documents($compute=concat(description,'!') as said,length(file_name) as len;"
                        + "$select=id,said;$filter=contains(said,'" + MARKER + "') or len gt 0;$orderby=said;"
                        + "$count=true;$expand=Patient($expand=Documents($compute=file_size_bytes div 2 as half)))",
                "$search=Shared", "$search=" + MARKER, "$orderby=last_name desc,id&$top=2",
                "$select=id&$count=true&$skip=1",
                "$apply=groupby((last_name,first_name),aggregate($count as n))&$count=true",
                "$apply=search(" + MARKER + ")/aggregate(id with countdistinct as n)");
        for (String path : List.of("Patients", "Patients/PatientDocs.Patient")) {
            for (String options : patientOptions) {
                forms.add(get(path, options, null, 0));
                forms.add(get(path, options, null, 1));
            }
        }
        for (String path : List.of("Documents/$count", "Patients('12345')/Documents/$count")) {
            for (String options : List.of("", "$filter=document_type eq 'Referral'", "$search=" + MARKER,
                    "$filter=Patient/first_name eq 'Alphasecret'")) {
                forms.add(get(path, options, null, 0));
            }
        }
        for (String options : List.of("", "$filter=Documents/any(d:contains(d/description,'" + MARKER + "'))",
                "$search=" + MARKER)) {
            forms.add(get("Patients/$count", options, null, 0));
        }
        for (String patient : List.of(A_ONLY, NOBODY)) {
            forms.add(get("Patients('{patient}')/Documents/$count", "", patient, 0));
        }

        List<String> documentPaths = List.of("Documents('{doc}')", "Patients('12345')/Documents('{doc}')",
                "Documents('{doc}')/Patient", "$entity?$id=Documents('{doc}')");
        List<String> entityOptions = List.of("", "$select=id,description", "$expand=Patient",
                "$expand=Patient($expand=Documents($count=true;$filter=document_type eq 'Referral'))");
        List<String> patientEntityOptions = List.of("", "$select=id,first_name", "$expand=Documents",
                "$expand=Documents($filter=contains(description,'" + MARKER + "');$count=true;$expand=Patient)");
        for (String doc : List.of(docB, docA, docAOnly, docMissing)) {
            for (String path : documentPaths) {
                for (String options : path.endsWith("/Patient") ? patientEntityOptions : entityOptions) {
                    forms.add(get(path, options, doc, 0));
                }
            }
            // $compute on the entity, which the parser reads apart from the request
            for (String path : List.of("Documents('{doc}')", "Patients('12345')/Documents('{doc}')")) {
                forms.add(get(path, "$compute=concat(description,'!') as said&$select=said,file_name"
                        + "&$expand=Patient($compute=concat(first_name,last_name) as name)", doc, 0));
            }
            forms.add(get("Documents('{doc}')/Patient", "$compute=concat(first_name,last_name) as name"
                    + "&$expand=Documents($compute=length(file_name) as len;$count=true)", doc, 0));
            forms.addAll(readBatches("{doc}", doc, List.of("Documents('{doc}')?$compute=length(file_name) as len",
                    "Documents('{doc}')/Patient?$compute=concat(first_name,'!') as said&$select=said")));
            // references and paths of several steps
            forms.add(get("Documents('{doc}')/Patient/$ref", "", doc, 0));
            forms.add(get("Patients('12345')/Documents('{doc}')/Patient", "", doc, 0));
            forms.add(get("Documents('{doc}')/Patient/Documents/$ref", "$count=true", doc, 0));
            forms.add(get("Documents('{doc}')", "$expand=Patient/$ref", doc, 0));
            forms.add(get("Documents('{doc}')/file_name", "", doc, 0));
            forms.add(get("Documents('{doc}')/description/$value", "", doc, 0));
            forms.add(get("Documents('{doc}')/$value", "", doc, 0));
            forms.add(form("HEAD", "Documents('{doc}')/$value", "", doc, List.of(), null, expected(doc), 0));
            forms.add(form("HEAD", "Patients('12345')/Documents('{doc}')/$value", "", doc, List.of(), null,
                    expected(doc), 0));
            forms.addAll(readBatches("{doc}", doc, List.of("Documents('{doc}')",
                    "Documents('{doc}')/Patient?$expand=Documents($count=true)",
                    "Patients('12345')/Documents?$filter=id eq '{doc}'&$count=true", "Documents('{doc}')/file_name",
                    "$entity?$id=Documents('{doc}')")));
        }
        for (String patient : List.of(SHARED, "b-only", A_ONLY, NOBODY)) {
            for (String path : List.of("Patients('{patient}')", "$entity?$id=Patients('{patient}')")) {
                for (String options : patientEntityOptions) {
                    forms.add(get(path, options, patient, 0));
                }
            }
            forms.add(get("Patients('{patient}')", "$compute=concat(first_name,last_name) as name&$select=name"
                    + "&$expand=Documents($compute=concat(description,'!') as said)", patient, 0));
            forms.add(get("Patients('{patient}')/Documents/$ref", "$count=true", patient, 0));
            forms.add(get("Patients('{patient}')/Documents/$ref", "$orderby=file_name", patient, 1));
            forms.add(get("Patients('{patient}')", "$expand=Documents/$ref($count=true)", patient, 0));
            forms.add(get("Patients('{patient}')/first_name", "", patient, 0));
            forms.add(get("Patients('{patient}')/first_name/$value", "", patient, 0));
            // A's document under B's patient of the same id, or under another
            forms.add(form("GET", "Patients('{patient}')/Documents('" + docA + "')", "", patient, List.of(), null,
                    404, 0));
            forms.addAll(readBatches("{patient}", patient, List.of("Patients('{patient}')?$expand=Documents",
                    "Patients('{patient}')/Documents?$count=true", "Patients('{patient}')/Documents/$count",
                    "Documents?$filter=patient_id eq '{patient}'&$count=true")));
        }
        forms.addAll(nextLinksOfA());
        return forms;
    }

    /** Tenant A's own next links (their skip tokens positioned on A's rows), followed by tenant B. */
    private List<Form> nextLinksOfA() throws Exception {
        List<Form> forms = new ArrayList<>();
        for (String path : List.of("Documents", "Patients('12345')/Documents?$count=true",
                "Patients?$expand=Documents", "Documents?$orderby=file_name,id")) {
            HttpResponse<String> first = send(a, "GET", path, List.of("Prefer", "odata.maxpagesize=1"), null, null);
            assertEquals(200, first.statusCode(), first.body());
            String next = TestService.json(first).get("@odata.nextLink").asText();
            String relative = next.substring(service.base.toString().length());
            forms.add(new Form("A's next link of " + path, null, "GET", relative, List.of(), null, 200, 0));
            forms.add(new Form("A's next link of " + path, null, "GET", relative, List.of(), null, 200, 1));
        }
        return forms;
    }

    /** The reads of one slot value as a multipart batch and as a JSON batch. */
    private List<Form> readBatches(String slotName, String slot, List<String> templates) {
        List<String> urls = templates.stream().map(t -> t.replace(slotName, slot)).toList();
        String template = "batch of " + String.join(", ", templates);
        return List.of(multipartBatch(template, slot, urls.stream()
                        .map(url -> BatchCalls.request(null, "GET", encodeQuery(url), null)).toList()),
                jsonBatch(template, slot, urls.stream().map(url -> "{\"method\":\"get\",\"url\":\""
                        + encodeQuery(url) + "\"}").toList()));
    }

    /** Changes aimed at tenant A's ids, and at missing ones to compare with. */
    private List<Form> changeForms() {
        List<Form> forms = new ArrayList<>();
        List<String> json = List.of("Content-Type", "application/json");
        List<String> jsonAnyVersion = List.of("Content-Type", "application/json", "If-Match", "*");
        for (String doc : List.of(docA, docAOnly, docMissing)) {
            forms.add(change("PATCH", "Documents('{doc}')", doc, json, "{\"description\":\"hijacked\"}", 400));
            forms.add(change("PATCH", "Documents('{doc}')", doc, jsonAnyVersion, "{\"description\":\"hijacked\"}",
                    412));
            forms.add(change("PATCH", "Patients('12345')/Documents('{doc}')", doc, json,
                    "{\"description\":\"hijacked\"}", 400));
            forms.add(change("PUT", "Documents('{doc}')", doc, jsonAnyVersion,
                    "{\"document_type\":\"Hijacked\",\"description\":null}", 412));
            forms.add(change("DELETE", "Documents('{doc}')", doc, List.of(), null, 404));
            forms.add(change("DELETE", "Documents('{doc}')", doc, List.of("If-Match", "*"), null, 404));
            forms.add(change("DELETE", "Patients('12345')/Documents('{doc}')", doc, List.of(), null, 404));
            forms.add(change("PUT", "Documents('{doc}')/description", doc, json, "{\"value\":\"hijacked\"}",
                    -1));
            forms.add(change("DELETE", "Documents('{doc}')/description", doc, List.of(), null, -1));
            forms.add(form("PUT", "Documents('{doc}')/$value", "", doc, List.of("Content-Type", Samples.PDF),
                    Samples.pdf(Samples.MIN_PDF), -1, 0));
            String patch = BatchCalls.request("1", "PATCH", "Documents('" + doc + "')",
                    "{\"description\":\"hijacked\"}");
            String delete = BatchCalls.request("2", "DELETE", "Documents('" + doc + "')", null);
            forms.add(multipartBatch("changes of {doc}", doc, List.of(BatchCalls.changeSet(patch),
                    BatchCalls.changeSet(delete), BatchCalls.request(null, "DELETE",
                            "Patients('12345')/Documents('" + doc + "')", null))));
            forms.add(multipartBatch("change set of {doc}", doc, List.of(BatchCalls.changeSet(patch, delete))));
            forms.add(jsonBatch("changes of {doc}", doc, List.of(
                    "{\"method\":\"patch\",\"url\":\"Documents('" + doc + "')\",\"headers\":{\"content-type\":"
                            + "\"application/json\"},\"body\":{\"description\":\"hijacked\"}}",
                    "{\"method\":\"delete\",\"url\":\"Documents('" + doc + "')\",\"headers\":{\"if-match\":\"*\"}}")));
            forms.add(jsonBatch("atomicity group of {doc}", doc, List.of(
                    "{\"method\":\"patch\",\"url\":\"Documents('" + doc + "')\",\"atomicityGroup\":\"g\",\"headers\""
                            + ":{\"content-type\":\"application/json\"},\"body\":{\"description\":\"hijacked\"}}")));
        }
        Multipart form = new Multipart().file("file", "referral.pdf", Samples.PDF, Samples.pdf(2048))
                .field("document_type", "Referral");
        for (String patient : List.of(A_ONLY, NOBODY)) {
            // without If-Match, a PATCH or PUT creates tenant B's own patient of that id (an upsert)
            forms.add(change("PATCH", "Patients('{patient}')", patient, jsonAnyVersion,
                    "{\"first_name\":\"Hijacked\"}", 412));
            forms.add(change("PUT", "Patients('{patient}')", patient, jsonAnyVersion,
                    "{\"last_name\":\"Hijacked\"}", 412));
            forms.add(change("DELETE", "Patients('{patient}')", patient, List.of(), null, 404));
            forms.add(form("POST", "Patients('{patient}')/Documents", "", patient,
                    List.of("Content-Type", Samples.PDF, "Slug", "referral.pdf"), Samples.pdf(2048), 404, 0));
            forms.add(new Form("POST Patients('{patient}')/Documents as a form", patient, "POST",
                    "Patients('" + patient + "')/Documents", List.of("Content-Type", form.contentType()),
                    form.bytes(), 404, 0));
            String patch = BatchCalls.request("1", "PATCH", "Patients('" + patient + "')",
                    "{\"first_name\":\"Hijacked\"}", "If-Match: *");
            String delete = BatchCalls.request("2", "DELETE", "Patients('" + patient + "')", null);
            forms.add(multipartBatch("changes of {patient}", patient, List.of(BatchCalls.changeSet(patch),
                    BatchCalls.changeSet(delete))));
            forms.add(jsonBatch("changes of {patient}", patient, List.of(
                    "{\"method\":\"patch\",\"url\":\"Patients('" + patient + "')\",\"headers\":{\"content-type\":"
                            + "\"application/json\",\"if-match\":\"*\"},\"body\":{\"first_name\":\"Hijacked\"}}",
                    "{\"method\":\"delete\",\"url\":\"Patients('" + patient + "')\",\"atomicityGroup\":\"g\"}")));
        }
        return forms;
    }

    private Form get(String path, String options, String slot, int pageSize) {
        return form("GET", path, options, slot, List.of(), null, expected(slot), pageSize);
    }

    /** A change of the entity a slot value names; {@code expected} -1 for any refusal (4xx or 5xx but 500). */
    private static Form change(String method, String path, String slot, List<String> headers, String json,
                               int expected) {
        return form(method, path, "", slot, headers, json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                expected, 0);
    }

    private static Form form(String method, String path, String options, String slot, List<String> headers,
                             byte[] body, int expected, int pageSize) {
        String template = method + " " + path + (options.isEmpty() ? "" : "?" + options)
                + (headers.isEmpty() ? "" : " " + headers);
        String filled = slot == null ? path : path.replace("{doc}", slot).replace("{patient}", slot);
        String url = encodeQuery(filled + (options.isEmpty() ? "" : (filled.contains("?") ? "&" : "?") + options));
        return new Form(template, slot, method, url, headers, body, expected, pageSize);
    }

    /** 200, unless the slot, in the path or {@code $id} of a form, names an entity tenant B lacks: then 404. */
    private int expected(String slot) {
        boolean lacking = slot != null && !slot.equals(docB) && !slot.equals(SHARED) && !slot.equals("b-only");
        return lacking ? 404 : 200;
    }

    private Form multipartBatch(String template, String slot, List<String> parts) {
        StringBuilder body = new StringBuilder();
        for (String part : parts) {
            body.append("--batch_x\r\n").append(part);
        }
        body.append("--batch_x--\r\n");
        return new Form("multipart " + template, slot, "POST", "$batch",
                List.of("Content-Type", "multipart/mixed; boundary=batch_x"),
                body.toString().getBytes(StandardCharsets.UTF_8), 200, 0);
    }

    private Form jsonBatch(String template, String slot, List<String> requests) {
        StringBuilder body = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < requests.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i + 1).append("\",")
                    .append(requests.get(i).substring(1));
        }
        return new Form("JSON " + template, slot, "POST", "$batch", List.of("Content-Type", "application/json"),
                body.append("]}").toString().getBytes(StandardCharsets.UTF_8), 200, 0);
    }

    /** The URL with each query option's value percent-encoded, as a client sends it. */
    private static String encodeQuery(String url) {
        int question = url.indexOf('?');
        if (question < 0) {
            return url;
        }
        List<String> options = new ArrayList<>();
        for (String option : url.substring(question + 1).split("&")) {
            int equals = option.indexOf('=');
            options.add(option.substring(0, equals + 1) + PercentCoding.encode(option.substring(equals + 1)));
        }
        return url.substring(0, question) + "?" + String.join("&", options);
    }

    // ---- sending and comparing

    private Map<Form, Answer> answers(List<Form> forms) throws Exception {
        Map<Form, Answer> answers = new LinkedHashMap<>();
        for (Form form : forms) {
            answers.put(form, answer(form));
        }
        return answers;
    }

    /** The form's answer as tenant B; with a page size, the pages of every next link after it. */
    private Answer answer(Form form) throws Exception {
        List<String> pages = new ArrayList<>();
        int status = 0;
        URI next = service.uri(form.url());
        while (next != null) {
            HttpRequest.Builder request = HttpRequest.newBuilder(next).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + b.token()).header("x-api-key", b.apiKey());
            for (int i = 0; i < form.headers().size(); i += 2) {
                request.header(form.headers().get(i), form.headers().get(i + 1));
            }
            if (form.pageSize() > 0) {
                request.header("Prefer", "odata.maxpagesize=" + form.pageSize());
            }
            request.method(form.method(), form.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(form.body()));
            HttpResponse<byte[]> response = service.http.send(request.build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            // bytes as Latin-1: every byte one character, so that document content compares exactly
            String body = new String(response.body(), StandardCharsets.ISO_8859_1);
            status = pages.isEmpty() ? response.statusCode() : status;
            pages.add(response.statusCode() + " " + body.replace(service.base.toString(), "{base}/")
                    .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{uuid}"));
            next = null;
            if (form.pageSize() > 0 && response.statusCode() == 200) {
                JsonNode link = TestService.JSON.readTree(body).get("@odata.nextLink");
                next = link == null ? null : URI.create(link.asText());
                assertTrue(pages.size() < 50, form + ": too many pages");
            }
        }
        return new Answer(status, pages);
    }

    /** What of tenant A's the answer shows, other than what the form's own URL names. */
    private List<String> leaks(Form form, Answer answer) {
        String text = String.join("\n", answer.pages()).toLowerCase(Locale.ROOT);
        String asked = (PercentCoding.decode(form.url()) + new String(form.body() == null ? new byte[0] : form.body(),
                StandardCharsets.UTF_8)).toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>(docsOfA);
        tokens.add(MARKER);
        tokens.add(A_ONLY);
        return tokens.stream().map(token -> token.toLowerCase(Locale.ROOT))
                .filter(token -> !asked.contains(token) && text.contains(token)).toList();
    }

    /**
     * Each answer to a form filled with tenant A's id, compared with the same form filled with a missing id of the
     * same kind: with the id itself masked, they must be the same (status, error code, message, everything).
     */
    private List<String> differencesFromMissing(Map<Form, Answer> answers) {
        List<String> differences = new ArrayList<>();
        Map<String, Answer> missing = new LinkedHashMap<>();
        answers.forEach((form, answer) -> {
            if (docMissing.equals(form.slot()) || NOBODY.equals(form.slot())) {
                missing.put(form.template() + " " + form.pageSize(), masked(answer, form.slot()));
            }
        });
        int compared = 0;
        for (Map.Entry<Form, Answer> entry : answers.entrySet()) {
            Form form = entry.getKey();
            if (docA.equals(form.slot()) || docAOnly.equals(form.slot()) || A_ONLY.equals(form.slot())) {
                Answer expected = missing.get(form.template() + " " + form.pageSize());
                Answer actual = masked(entry.getValue(), form.slot());
                compared++;
                if (!actual.equals(expected)) {
                    differences.add(form + " answers unlike a missing id:\n  A's id:  " + actual
                            + "\n  missing: " + expected);
                }
            }
        }
        assertTrue(compared > 20, "compared with missing ids: " + compared);
        return differences;
    }

    private static Answer masked(Answer answer, String slot) {
        return new Answer(answer.status(), answer.pages().stream().map(page -> page.replace(slot, "{slot}"))
                .toList());
    }

    /** The statuses of a batch's operations, whichever its format. */
    private static List<Integer> batchStatuses(Form form, Answer answer) throws IOException {
        String body = answer.pages().get(0).substring(4);
        if (form.headers().contains("application/json")) {
            List<Integer> statuses = new ArrayList<>();
            TestService.JSON.readTree(body).get("responses").forEach(r -> statuses.add(r.get("status").asInt()));
            return statuses;
        }
        List<Integer> statuses = new ArrayList<>();
        Matcher matcher = STATUS_LINE.matcher(body);
        while (matcher.find()) {
            statuses.add(Integer.parseInt(matcher.group(1)));
        }
        return statuses;
    }

    private static String only(Map<Form, Answer> answers, String template) {
        Answer answer = answers.entrySet().stream().filter(e -> e.getKey().template().equals(template)
                && e.getKey().pageSize() == 0).findFirst().orElseThrow().getValue();
        return answer.pages().get(0).substring(4);
    }

    private static void assertNoFailures(List<String> failures) {
        assertTrue(failures.isEmpty(), failures.size() + " failures, the first:\n"
                + failures.stream().limit(30).collect(Collectors.joining("\n")));
    }

    // ---- the tenants' data

    private HttpResponse<String> send(TestService.Credentials who, String method, String path, List<String> headers,
                                      String json, byte[] bytes) throws Exception {
        HttpRequest.Builder request = service.request("/" + path, who);
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        byte[] body = json != null ? json.getBytes(StandardCharsets.UTF_8) : bytes;
        return service.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private void createPatient(TestService.Credentials who, String id, String firstName, String lastName)
            throws Exception {
        HttpResponse<String> created = send(who, "POST", "Patients", List.of("Content-Type", "application/json"),
                "{\"id\":\"" + id + "\",\"first_name\":\"" + firstName + "\",\"last_name\":\"" + lastName + "\"}",
                null);
        assertEquals(201, created.statusCode(), created.body());
    }

    /** Uploads as the spec shows (a form with the file and its labels); the new document's id. */
    private String upload(TestService.Credentials who, String patient, String fileName, String type,
                          String description, byte[] content) throws Exception {
        Multipart form = new Multipart().file("file", fileName, null, content).field("document_type", type)
                .field("description", description);
        HttpResponse<String> uploaded = send(who, "POST", "Patients('" + patient + "')/Documents",
                List.of("Content-Type", form.contentType()), null, form.bytes());
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        assertEquals(patient, TestService.json(uploaded).get("patient_id").asText());
        return TestService.json(uploaded).get("id").asText();
    }

    /** Deletes the tenant's documents, then its patients, through the service. */
    private void deleteEverythingOf(TestService.Credentials who) throws Exception {
        for (JsonNode document : TestService.json(send(who, "GET", "Documents?$select=id", List.of(), null, null))
                .get("value")) {
            assertEquals(204, send(who, "DELETE", "Documents('" + document.get("id").asText() + "')", List.of(),
                    null, null).statusCode());
        }
        for (JsonNode patient : TestService.json(send(who, "GET", "Patients?$select=id", List.of(), null, null))
                .get("value")) {
            assertEquals(204, send(who, "DELETE", "Patients('" + patient.get("id").asText() + "')", List.of(),
                    null, null).statusCode());
        }
        assertEquals("0", send(who, "GET", "Documents/$count", List.of(), null, null).body());
    }

    /** A tenant's patients and documents as it sees them: every property, ETags, and each document's bytes. */
    private String viewOf(TestService.Credentials who) throws Exception {
        HttpResponse<String> all = send(who, "GET", "Patients?$expand=Documents&$orderby=id", List.of(), null, null);
        assertEquals(200, all.statusCode(), all.body());
        StringBuilder view = new StringBuilder(all.body());
        for (JsonNode patient : TestService.json(all).get("value")) {
            for (JsonNode document : patient.get("Documents")) {
                HttpResponse<byte[]> content = service.http.send(service.request("/Documents('"
                                + document.get("id").asText() + "')/$value", who).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, content.statusCode());
                view.append('\n').append(document.get("id").asText()).append(' ')
                        .append(content.headers().firstValue("ETag").orElse("")).append(' ')
                        .append(sha256(content.body()));
            }
        }
        return view.toString();
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
