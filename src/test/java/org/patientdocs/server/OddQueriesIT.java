package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.url.PercentCoding;

/**
 * Odd, malformed and extreme query options on every collection path: whatever the client sends, the answer is a
 * success or a clear OData error, never a server failure, and never shows a stack trace or SQL. The cases are the ones
 * that found bugs when the running service was fuzzed, and their neighbours; each path gets them all.
 */
class OddQueriesIT {

    private static final List<String> CASES = cases();

    private static TestService service;

    @BeforeAll
    static void start() throws Exception {
        service = TestService.start(Map.of("query.max-page-size", "50"));
        try (Connection connection = service.connect()) {
            new QueryDataset().insertInto(connection);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Patients", "Documents", "Patients('p01')/Documents", "Patients('p01')/Documents/$count",
            "Patients('nobody')/Documents", "Documents/$count", "Patients/$count"})
    void oddQueriesGetAnAnswerOrAClearError(String path) throws Exception {
        List<String> failures = new ArrayList<>();
        for (String query : CASES) {
            String url = path + "?" + encode(query);
            HttpResponse<String> response = service.get(url);
            boolean odd = response.statusCode() < 400 && (response.statusCode() != 200 || response.body().isEmpty());
            String problem = odd ? "unexpected success" : ClearAnswers.problem(response);
            if (problem != null) {
                failures.add(ClearAnswers.describe(response, problem, url));
            }
        }
        assertEquals("", String.join("\n", failures), failures.size() + " of " + CASES.size() + " odd queries");
    }

    /** Each option's value encoded as a client would; {@code &} separates options. */
    private static String encode(String query) {
        return Stream.of(query.split("&")).map(option -> {
            int equals = option.indexOf('=');
            return equals < 0 ? PercentCoding.encode(option)
                    : option.substring(0, equals + 1) + PercentCoding.encode(option.substring(equals + 1));
        }).collect(Collectors.joining("&"));
    }

    private static List<String> cases() {
        List<String> cases = new ArrayList<>(List.of(
                // malformed or out-of-range system query options
                "$top=-1", "$top=abc", "$top=99999999999999999999", "$skip=-5", "$skip=1e3", "$filter=", "$orderby=",
                "$select=", "$expand=", "$select=nope", "$orderby=nope", "$filter=nope eq 1", "$expand=Nope",
                "$count=maybe", "$count=true&$top=0", "$top=0&$skip=0", "$select=*,id", "$select=id/foo",
                "$orderby=id asc desc", "$filter=id eq 'x'&$filter=id eq 'y'", "foo=bar", "$foo=bar",
                // $expand shapes
                "$expand=*", "$expand=*($levels=3)", "$expand=Documents($levels=2)", "$expand=Documents($levels=max)",
                "$expand=Documents/$ref", "$expand=Documents/$count", "$expand=Patient/$ref",
                "$expand=Documents($expand=Patient($expand=Documents))",
                "$expand=Documents($filter=Patient/last_name eq 'x';$orderby=Patient/last_name;$select=id;$top=1;"
                        + "$skip=1;$count=true;$search=x)",
                // $search that cannot be tokenized or parsed
                "$search=", "$search=\"\"", "$search=NOT", "$search=a OR", "$search=(a", "$search=\"unterminated",
                // paging tokens and options the service does not implement
                "$skiptoken=xyz", "$skiptoken=", "$skiptoken=" + "A".repeat(5000), "$deltatoken=1", "$levels=2",
                "$apply=groupby((id))", "$compute=1 add 1 as x", "$index=1", "$schemaversion=1",
                // aggregations over odd values: booleans, literals, nulls, durations, empty results, deep chains
                "$apply=aggregate(id eq 'x' with min as m)", "$apply=aggregate(id eq 'x' with countdistinct as c)",
                "$apply=compute(1 add 1 as two)/groupby((two),aggregate($count as n))",
                "$apply=compute(null as nothing)/groupby((nothing))", "$apply=aggregate(1 with sum as s)",
                "$apply=compute(now() sub now() as d)/groupby((d),aggregate($count as n))",
                "$apply=filter(1 eq 2)/aggregate($count as n,id with max as m)",
                "$apply=groupby((id),aggregate($count as n))/filter(n div 0 eq 1)&$orderby=n div 0",
                "$apply=compute(id as x)/compute(x as y)/groupby((y))&$filter=y eq 'p01'&$select=y",
                "$apply=aggregate($count as n)/compute(n mul 9223372036854775807 as big)",
                "$apply=groupby((id))&$skiptoken=xyz", "$apply=aggregate($count as n)&$top=0&$count=true",
                "$apply=identity/identity/identity", "$apply=compute(cast(id,Edm.Int32) as i)/groupby((i))",
                "$compute=id as a,id as a", "$compute=a as b", "$apply=groupby((id))&$compute=n as m",
                "$apply=aggregate(now() with max as m)", "$apply=aggregate(concat(id,'x') with max as m)",
                "$apply=compute(date(now()) as d,time(now()) as t)/groupby((d,t),aggregate($count as n))",
                "$apply=aggregate('x' with min as m,2.5 with average as a,null with countdistinct as c)",
                "$apply=groupby((id))/orderby(id desc)/skip(1)/top(1)&$orderby=id&$count=true",
                // formats
                "$format=xml", "$format=atom", "$format=json;odata.metadata=full",
                "$format=application/json;odata.streaming=true", "$format=text/csv",
                // filters over literals alone: arithmetic, functions and comparisons the stores type differently
                "$filter=null eq null", "$filter=null in (1)", "$filter=1 div 0 eq 1", "$filter=1 mod 0 eq 1",
                "$filter=1.5 div 0 eq 1", "$filter=7 div 2 eq 3", "$filter=7.5 mod 2 eq 1.5", "$filter=5 mod 2 eq 1",
                "$filter=1.5 mod 0.0000000000000000001 eq 0", "$filter=99999999999999999999 eq 1",
                "$filter=9223372036854775807 add 1 gt 0", "$filter=-(-9223372036854775807) gt 0",
                "$filter=year(2026-01-01T00:00:00Z) eq 2026", "$filter=hour(now()) ge 0",
                "$filter=hour(23:59:59.9999999) eq 23", "$filter=fractionalseconds(2026-01-01T00:00:00.1234567Z) gt 0",
                "$filter=date(2026-01-01T10:00:00+05:00) eq 2026-01-01", "$filter=time(2026-01-01T10:00:00Z) gt 09:00:00",
                "$filter=2026-01-01T00:00:00Z add duration'P1D' gt now()", "$filter=round(1.5) eq 2",
                "$filter=mindatetime() lt maxdatetime()", "$filter=totaloffsetminutes(2026-01-01T00:00:00+01:00) eq 60",
                "$filter=birth_date eq 2026-02-30", "$filter=birth_date eq 0000-01-01",
                // functions over properties with odd arguments
                "$filter=contains(id,null)", "$filter=substring(id,-1) eq 'a'", "$filter=substring(id,1,-1) eq 'a'",
                "$filter=substring(id,99999999999) eq 'a'", "$filter=indexof(id,'') eq 0",
                "$filter=matchesPattern(id,'(')", "$filter=matchesPattern(id,'a{99999}')",
                "$filter=matchesPattern(id,'\\p{L}')", "$filter=length(id) mul 9223372036854775807 gt 0",
                "$filter=ceiling(id) eq 1", "$filter=trim(123) eq '1'", "$filter=concat(id,1) eq 'x'",
                "$filter=cast(id,Edm.Int32) eq 1", "$filter=cast(id,Edm.DateTimeOffset) lt now()",
                "$filter=isof(id,Edm.String)", "$filter=isof(Edm.String)", "$filter=cast(Edm.String) eq 'x'",
                "$filter=contains(id,'%')", "$filter=id eq '%00'", "$filter=id eq 'é中😀'", "$filter=id eq 'O''Neil'",
                "$filter=id eq 'O'Neil'",
                // membership, aliases, lambdas and navigation
                "$filter=id in ()", "$filter=id in ('a')", "$filter=id in (null)", "$filter=@p eq 'x'&@p='x'",
                "$filter=id eq @p", "$filter=id eq @p&@p=", "$filter=id eq @p&@p=@q&@q=@p",
                "$filter=Documents/any()", "$filter=Documents/all(d:d/file_size_bytes gt 0)",
                "$filter=Documents/$count gt 1", "$filter=Documents/any(d:d/Patient/Documents/any(e:e/id eq d/id))",
                "$filter=Patient/last_name eq 'Smith'", "$orderby=Patient/last_name desc", "$orderby=Documents/$count",
                // size and nesting limits
                "$filter=" + "(".repeat(2000) + "true" + ")".repeat(2000),
                "$filter=(((((((((((id eq 'a')))))))))))", "$filter=true" + " and true".repeat(499),
                "$orderby=" + String.join(",", Collections.nCopies(200, "id"))));
        return List.copyOf(cases);
    }
}
