package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.apache.olingo.server.api.uri.UriInfo;
import org.junit.jupiter.api.Test;
import org.patientdocs.error.ServiceException;

class SearchTranslatorTest {

    private static final String TERM = "((TRANSLATE(t0.file_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
            + " 'abcdefghijklmnopqrstuvwxyz') LIKE ? ESCAPE '\\') OR (TRANSLATE(COALESCE(t0.description, ''),"
            + " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE ? ESCAPE '\\') OR"
            + " (TRANSLATE(COALESCE(t0.document_type, ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
            + " 'abcdefghijklmnopqrstuvwxyz') LIKE ? ESCAPE '\\'))";

    private static SqlFragment search(String set, String search) {
        UriInfo uri = Parsed.parse(set, "$search=" + search.replace("%", "%25").replace(" ", "%20")
                .replace("\"", "%22"));
        Block block = new Block(Parsed.context(Dialect.H2, uri), Parsed.table(set));
        return new SearchTranslator(block).condition(uri.getSearchOption().getSearchExpression());
    }

    @Test
    void aWordMatchesAnySearchColumnIgnoringAsciiCase() {
        SqlFragment sql = search("Documents", "Referral");
        assertEquals(TERM, sql.sql());
        assertEquals(List.of("%referral%", "%referral%", "%referral%"), sql.params());
    }

    @Test
    void aPhraseIsOneTermWithItsWildcardsEscaped() {
        assertEquals(List.of("%100\\% dr\\_x%", "%100\\% dr\\_x%", "%100\\% dr\\_x%"),
                search("Documents", "\"100% Dr_X\"").params());
    }

    @Test
    void operatorsCombineTerms() {
        assertEquals("((" + TERM + " OR " + TERM + ") AND (NOT " + TERM + "))",
                search("Documents", "(a OR b) AND NOT c").sql());
    }

    @Test
    void adjacentTermsMeanAnd() {
        assertEquals("(" + TERM + " AND " + TERM + ")", search("Documents", "a b").sql());
    }

    @Test
    void patientsAreSearchedByName() {
        assertEquals("((TRANSLATE(COALESCE(t0.first_name, ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
                + " 'abcdefghijklmnopqrstuvwxyz') LIKE ? ESCAPE '\\') OR (TRANSLATE(COALESCE(t0.last_name, ''),"
                + " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') LIKE ? ESCAPE '\\'))",
                search("Patients", "smith").sql());
    }

    @Test
    void searchWithoutSearchColumnsIsNotImplemented() {
        ColumnMap.Table documents = Parsed.table("Documents");
        ColumnMap.Table bare = new ColumnMap.Table(documents.entityType(), documents.name(), documents.key(),
                documents.columns(), documents.navigations(), List.of(), documents.version(), documents.tenant(),
                documents.access());
        UriInfo uri = Parsed.parse("Documents", "$search=a");
        Block block = new Block(Parsed.context(Dialect.H2, uri), bare);
        assertThrows(ServiceException.NotImplemented.class,
                () -> new SearchTranslator(block).condition(uri.getSearchOption().getSearchExpression()));
    }
}
