package org.patientdocs.server;

import java.util.ArrayList;
import java.util.List;

/**
 * The requests of the differential test: every feature of the query language, alone and combined, over the
 * awkward values of {@link QueryDataset}.
 *
 * @see DifferentialQueryIT
 */
final class DifferentialQueries {

    /**
     * One request.
     *
     * @param path     {@code Documents}, {@code Patients} or {@code Patients('p01')/Documents}
     * @param options  query options as written, unencoded: name=value pairs separated by {@code &}
     * @param pageSize a {@code Prefer: odata.maxpagesize}, or 0; the next links are then followed
     */
    record Request(String path, List<String[]> options, int pageSize) {

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(path);
            String separator = "?";
            for (String[] option : options) {
                text.append(separator).append(option[0]).append('=').append(option[1]);
                separator = "&";
            }
            return pageSize > 0 ? text + " [maxpagesize " + pageSize + "]" : text.toString();
        }
    }

    static final List<String> DOCUMENT_FILTERS = List.of(
            "file_name eq 'a.pdf'", "file_name eq 'O''Brien letter.pdf'", "file_name ne 'a.pdf'",
            "file_name gt 'b'", "file_name lt 'b'", "file_name ge 'Referral'", "file_name le 'x'",
            "document_type eq 'Referral'", "document_type ne 'Referral'", "document_type eq null",
            "document_type ne null", "document_type eq ''", "description eq null",
            "not (document_type eq 'Referral')", "not (document_type ne 'Referral')", "document_type gt 'I'",
            "not (document_type gt 'I')", "document_type lt 'R' or document_type eq null",
            "document_type in ('Referral','Insurance')", "not (document_type in ('Referral','Insurance'))",
            "file_size_bytes in (0,1,2048)", "file_size_bytes gt 1000",
            "file_size_bytes ge 1000 and file_size_bytes le 2048", "file_size_bytes eq 0 or file_size_bytes eq 1",
            "(file_size_bytes gt 100 or document_type eq 'Referral') and not (content_type eq 'image/png')",
            "file_size_bytes add 1 gt 1000", "file_size_bytes sub 1000 lt 1", "file_size_bytes mul 2 eq 2048",
            "file_size_bytes div 2 eq 500", "file_size_bytes div 1000 eq 1", "file_size_bytes mod 2 eq 1",
            "file_size_bytes mod 1000 eq 0", "file_size_bytes divby 3 gt 341.5", "file_size_bytes div 3.0 lt 1",
            "file_size_bytes div 0 eq 1", "not (file_size_bytes div 0 eq 1)", "file_size_bytes mod 0 eq 0",
            "-file_size_bytes lt -1000", "file_size_bytes add 0.5 gt 1000",
            "(file_size_bytes sub 7) mul 2 div 3 ge 0", "file_size_bytes div (file_size_bytes sub 1) eq 1",
            "contains(file_name,'%')", "contains(file_name,'_')", "contains(file_name,'%_')",
            "contains(file_name,'\\')", "contains(file_name,'ü')", "contains(file_name,'Ü')",
            "contains(description,'50%')", "contains(description,'')", "startswith(file_name,'O''')",
            "startswith(file_name,' ')", "endswith(file_name,'.pdf')", "endswith(file_name,'.PDF')",
            "endswith(tolower(file_name),'.pdf')", "contains(file_name,document_type)",
            "startswith(description,document_type)", "not contains(description,'line')",
            "length(file_name) gt 10", "length(description) eq 0", "length(file_name) eq 1",
            "indexof(file_name,'a') eq 0", "indexof(file_name,'.') gt 5", "indexof(description,'') eq 0",
            "substring(file_name,1) eq '.pdf'", "substring(file_name,0,3) eq 'ref'",
            "substring(file_name,2,3) eq 'fer'", "substring(file_name,-1,2) eq 're'",
            "substring(file_name,100) eq ''", "substring(file_name,-3) eq 'pdf'", "substring(file_name,-4,2) eq '.p'",
            "substring(file_name,-100) eq file_name", "substring(file_name,-100,1) eq 'r'",
            "substring(file_name,0,length(description) sub 5) eq ''",
            "substring(file_name,length(file_name) sub 20) eq file_name",
            "tolower(file_name) eq 'upper.pdf'", "toupper(file_name) eq 'UPPER.PDF'",
            "tolower(document_type) eq 'referral'", "toupper(description) eq 'MüLLER üBER ALLES'",
            "tolower(file_name) eq 'überweisung.pdf'", "trim(file_name) eq 'spaced .tif'",
            "trim(description) eq 'padded'", "concat(file_name,'!') eq 'x!'",
            "concat(concat(document_type,'/'),content_type) eq 'Referral/application/pdf'",
            "concat(description,'x') eq 'x'", "matchesPattern(file_name,'^[a-z]+\\.pdf$')",
            // text that is no column, which PostgreSQL would compare in the database's collation (en_US.UTF-8 here)
            "'B' lt 'a'", "'a' gt 'B'", "concat('B','x') lt 'a'", "tolower('ÜBER') eq 'Über'",
            "toupper('àé') eq 'àé'", "matchesPattern('Ü','^\\w$')",
            "matchesPattern(file_name,'^\\w+\\.pdf$')",
            "cast(0 sub file_size_bytes,Edm.String) lt '0'", "cast(file_size_bytes gt 1000,Edm.String) gt 'Tz'",
            "matchesPattern(file_name,'\\d')", "matchesPattern(description,'one.line')",
            "matchesPattern(description,'newline$')", "matchesPattern(file_name,'(?:pdf|PDF)$')",
            "matchesPattern(file_name,'^.{1,3}$')", "not matchesPattern(document_type,'^[A-Z]')",
            "year(uploaded_at) eq 2026", "year(uploaded_at) eq 2025", "month(uploaded_at) eq 12",
            "day(uploaded_at) eq 31", "day(uploaded_at) eq 1", "hour(uploaded_at) eq 4", "hour(uploaded_at) lt 1",
            "minute(uploaded_at) eq 30", "second(uploaded_at) eq 59", "second(uploaded_at) eq 56",
            "fractionalseconds(uploaded_at) gt 0", "fractionalseconds(uploaded_at) eq 0.789",
            "date(uploaded_at) eq 2026-01-01", "date(uploaded_at) lt 2000-01-02", "time(uploaded_at) eq 04:30:00",
            "time(uploaded_at) ge 23:00:00", "time(uploaded_at) lt 00:00:00.5", "hour(time(uploaded_at)) eq 12",
            "totaloffsetminutes(uploaded_at) eq 0", "totaloffsetminutes(2026-01-01T00:00:00+02:00) eq 120",
            "uploaded_at ge 2026-01-01T00:00:00Z", "uploaded_at lt 2026-01-01T00:00:00+01:00",
            "uploaded_at gt 2025-12-31T23:30:00-05:00", "uploaded_at eq 2026-01-01T04:30:00Z",
            "uploaded_at eq 2025-12-31T23:30:00-05:00", "uploaded_at ge 2026-01-15T09:00Z",
            "uploaded_at le 2000-01-01T00:00:00.5Z", "uploaded_at lt 2026-06-15T12:34:56.7891Z",
            "uploaded_at gt mindatetime()", "uploaded_at lt maxdatetime()",
            "uploaded_at sub duration'P1D' gt 2026-01-01T00:00:00Z",
            "uploaded_at add duration'PT30M' ge 2026-01-01T05:00:00Z",
            "uploaded_at sub 2026-01-01T00:00:00Z gt duration'PT1H'",
            "round(file_size_bytes div 3.0) eq 333", "floor(file_size_bytes div 1000.0) eq 1",
            "ceiling(file_size_bytes div 1000.0) eq 1", "round(fractionalseconds(uploaded_at)) eq 1",
            "cast(file_size_bytes,Edm.String) eq '2048'", "cast(file_size_bytes,Edm.Int32) eq 2048",
            "cast(file_size_bytes,Edm.Byte) eq null", "cast(file_size_bytes,Edm.Decimal) gt 1000.5",
            "cast(uploaded_by_id,Edm.String) eq 'user-1'", "cast(substring(file_name,0,3),Edm.Int64) eq 100",
            "isof(file_size_bytes,Edm.Int32)", "isof(file_size_bytes,Edm.Byte)",
            "isof(document_type,Edm.String)", "isof(PatientDocs.Document)",
            "Patient/last_name eq 'Smith'", "Patient/last_name eq 'smith'", "Patient/first_name eq null",
            "Patient/birth_date lt 2000-01-01", "startswith(Patient/last_name,'O''')",
            "Patient/last_name gt 'N' and document_type ne null",
            // functions and operators over literals alone, whose parameter types H2 cannot infer by itself
            "5 mod 2 eq 1", "-5 mod 2 eq -1", "file_size_bytes mod 3 eq 7 mod 3", "7.5 mod 2 eq 1.5",
            "file_size_bytes div 2.0 mod 3 eq 0.5", "-7.5 mod 2 lt 0", "7 div 2 eq 3", "-7 div 2 eq -3",
            "(5 add 2) div 2 eq 3", "file_size_bytes gt 1000 mul (7 div 2)",
            "file_size_bytes div 2.0 mod 0.0000000000000000001 eq 1",
            "year(2026-01-01T00:00:00Z) eq 2026", "hour(2026-01-01T23:30:00-02:00) eq 1",
            "date(2026-01-01T23:30:00-02:00) eq 2026-01-02", "time(2026-01-01T10:00:00Z) eq 10:00:00",
            "fractionalseconds(2026-01-01T10:00:00.5Z) eq 0.5", "second(2026-01-01T10:00:59Z) eq 59",
            // more than microseconds: both stores keep six digits, and the literal is cut, not rounded
            "hour(23:59:59.9999999) eq 23", "date(2026-12-31T23:59:59.9999999Z) eq 2026-12-31",
            "uploaded_at lt 2025-01-01T00:00:00Z add duration'P400D'",
            "2026-01-02T00:00:00Z sub 2026-01-01T00:00:00Z eq duration'P1D'", "1 eq null", "'a' ne null",
            // OData 4.01 spellings: names in any case, durations without their prefix, strings cast to any type
            "file_name EQ 'a.pdf' Or Contains(file_name,'%') AND NOT StartsWith(file_name,'1')",
            "Patient/last_name In ('Smith','O''Brien') and ToLower(file_name) Ne 'a.pdf'",
            "uploaded_at sub 'P1D' gt 2026-01-01T00:00:00Z", "uploaded_at sub 2026-01-01T00:00:00Z gt 'PT1H'",
            "uploaded_at lt 2025-01-01T00:00:00Z add 'P400D'", "'-PT1H' lt uploaded_at sub 2026-01-01T00:00:00Z",
            "cast(substring(file_name,0,3),Edm.Decimal) eq 100", "cast(uploaded_by_id,Edm.Double) eq null",
            "cast(substring(file_name,5,10),Edm.Date) eq 2026-01-01", "cast('TRUE',Edm.Boolean) eq true",
            "cast('2026-01-01T00:00:00+01:00',Edm.DateTimeOffset) lt uploaded_at",
            "cast(substring(file_name,5,10),Edm.DateTimeOffset) eq null",
            "cast('0123ABCD-0000-0000-0000-00000000000F',Edm.Guid) eq 0123abcd-0000-0000-0000-00000000000f",
            "cast(file_name,Edm.Guid) ne null");

    static final List<String> PATIENT_FILTERS = List.of(
            "last_name eq 'Smith'", "last_name eq 'O''Brien'", "contains(last_name,'%_')", "first_name eq ''",
            "first_name eq null", "last_name ne null", "birth_date eq 2000-02-29", "birth_date lt 1980-01-01",
            "year(birth_date) eq 1999", "month(birth_date) eq 2 and day(birth_date) eq 29",
            "tolower(last_name) eq 'smith'", "toupper(first_name) eq 'ZOë'", "length(first_name) eq 1",
            "Documents/any(d:d/document_type eq 'Referral')", "Documents/all(d:d/document_type eq 'Referral')",
            "Documents/all(d:d/file_size_bytes gt 0)", "not Documents/any()", "Documents/any()",
            "Documents/$count gt 3", "Documents/$count eq 0",
            "Documents/any(d:d/document_type eq 'Referral') and Documents/any(d:d/document_type eq 'Insurance')",
            "Documents/any(d:d/document_type eq 'Referral') or last_name eq 'Åström'",
            "Documents/any(d:contains(d/file_name,'%'))",
            "Documents/any(d:d/Patient/first_name eq $it/first_name)",
            "Documents/any(d:year(d/uploaded_at) eq 2026 and d/file_size_bytes gt 1000)",
            "Documents/all(d:d/description ne null)",
            "Documents/any(d:d/document_type eq null) or not Documents/all(d:d/file_size_bytes lt 100000)");

    static final List<String> DOCUMENT_ORDERS = List.of(
            "file_name", "file_name desc", "document_type", "document_type desc", "description,file_name desc",
            "file_size_bytes desc,uploaded_at", "uploaded_at", "uploaded_at desc", "tolower(file_name)",
            "length(file_name) desc", "Patient/last_name,file_name", "Patient/last_name desc", "id desc",
            "year(uploaded_at) desc,month(uploaded_at)", "content_type,document_type desc,description",
            "fractionalseconds(uploaded_at)", "time(uploaded_at) desc", "file_size_bytes DESC,id Asc",
            "ToLower(file_name) DESC", "substring(file_name,-3),id desc", "cast(0 sub file_size_bytes,Edm.String)");

    static final List<String> PATIENT_ORDERS = List.of(
            "last_name", "first_name desc", "birth_date", "Documents/$count desc", "birth_date desc,last_name");

    static final List<String> SEARCHES = List.of(
            "referral", "REFERRAL", "\"dr. smith\"", "\"O'Brien\"", "referral OR insurance", "referral AND smith",
            "NOT referral", "referral NOT smith", "(referral OR insurance) AND pdf", "über", "\"100%\"", "\"_\"",
            "\"line one\nline\"");

    static final List<String> EXPANDS = List.of(
            "Patients?$expand=Documents", "Patients?$expand=Documents($select=file_name)",
            "Patients?$expand=Documents($filter=document_type eq 'Referral')",
            "Patients?$expand=Documents($orderby=uploaded_at desc;$top=2)",
            "Patients?$expand=Documents($orderby=file_name;$skip=1;$top=2;$count=true)",
            "Patients?$expand=Documents($count=true;$filter=file_size_bytes gt 1000)",
            "Patients?$expand=Documents/$count", "Patients?$expand=Documents($search=referral)",
            "Patients?$expand=Documents($expand=Patient($select=last_name))",
            "Patients?$filter=Documents/any()&$expand=Documents($top=1;$orderby=file_size_bytes desc)"
                    + "&$select=last_name",
            "Patients?$orderby=last_name desc&$top=3&$expand=Documents($orderby=Patient/first_name,id desc)",
            "Documents?$expand=Patient", "Documents?$expand=Patient($select=first_name,last_name)",
            "Documents?$expand=Patient($expand=Documents($top=1;$orderby=id))",
            "Documents?$filter=file_size_bytes gt 100000&$expand=Patient&$orderby=Patient/last_name",
            "Patients('p01')/Documents?$expand=Patient", "Patients?$expand=Documents($filter=file_name eq @n)&@n='x'");

    private DifferentialQueries() {
    }

    static List<Request> all() {
        List<Request> requests = new ArrayList<>();
        for (String filter : DOCUMENT_FILTERS) {
            requests.add(request("Documents", 0, "$filter", filter));
        }
        for (String filter : PATIENT_FILTERS) {
            requests.add(request("Patients", 0, "$filter", filter));
        }
        aliases(requests);
        for (String order : DOCUMENT_ORDERS) {
            requests.add(request("Documents", 0, "$orderby", order));
            requests.add(request("Documents", 4, "$orderby", order));
            requests.add(request("Documents", 3, "$orderby", order, "$filter", "file_size_bytes gt 100",
                    "$top", "8", "$count", "true"));
            requests.add(request("Documents", 5, "$orderby", order, "$skip", "3", "$select", "id,file_name"));
        }
        for (String order : PATIENT_ORDERS) {
            requests.add(request("Patients", 0, "$orderby", order));
            requests.add(request("Patients", 2, "$orderby", order));
        }
        for (String search : SEARCHES) {
            requests.add(request("Documents", 0, "$search", search, "$count", "true"));
        }
        requests.add(request("Patients", 0, "$search", "smith"));
        requests.add(request("Patients", 0, "$search", "NOT smith"));
        requests.add(request("Patients", 0, "$search", "\"50%_\""));
        requests.add(request("Documents", 0, "$search", "referral", "$filter", "file_size_bytes gt 1000",
                "$orderby", "file_name", "$count", "true"));
        for (String expand : EXPANDS) {
            requests.add(parse(expand));
        }
        requests.add(request("Patients('p01')/Documents", 0));
        requests.add(request("Patients('p01')/Documents", 2, "$orderby", "uploaded_at desc"));
        requests.add(request("Patients('p01')/Documents", 0, "$filter", "document_type eq 'Referral'",
                "$select", "file_name,document_type"));
        requests.add(request("Patients('p02')/Documents", 0, "$top", "1", "$skip", "1", "$orderby", "file_name"));
        requests.add(request("Patients('p09')/Documents", 0));
        requests.add(request("Documents", 0, "$top", "0", "$count", "true"));
        requests.add(request("Documents", 0, "$skip", "44"));
        requests.add(request("Documents", 7, "$top", "20", "$skip", "2"));
        requests.add(request("Documents", 0, "$select", "file_name,uploaded_at", "$filter",
                "year(uploaded_at) eq 2026"));
        return requests;
    }

    private static void aliases(List<Request> requests) {
        requests.add(request("Documents", 0, "$filter", "file_name eq @name", "@name", "'a.pdf'"));
        requests.add(request("Documents", 0, "$filter", "file_size_bytes gt @n", "@n", "1000"));
        requests.add(request("Documents", 0, "$filter", "document_type eq @t", "@t", "null"));
        requests.add(request("Documents", 0, "$filter", "contains(file_name,@p)", "@p", "'%'"));
        requests.add(request("Documents", 0, "$filter", "file_size_bytes gt @a add @b", "@a", "1000", "@b", "1"));
    }

    static Request request(String path, int pageSize, String... options) {
        List<String[]> list = new ArrayList<>();
        for (int i = 0; i < options.length; i += 2) {
            list.add(new String[] {options[i], options[i + 1]});
        }
        return new Request(path, list, pageSize);
    }

    private static Request parse(String text) {
        int question = text.indexOf('?');
        List<String[]> list = new ArrayList<>();
        for (String option : text.substring(question + 1).split("&")) {
            int eq = option.indexOf('=');
            list.add(new String[] {option.substring(0, eq), option.substring(eq + 1)});
        }
        return new Request(text.substring(0, question), list, 0);
    }
}
