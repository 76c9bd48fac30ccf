package org.patientdocs.query;

import java.util.ArrayList;
import java.util.List;

import org.apache.olingo.server.api.uri.queryoption.search.SearchBinary;
import org.apache.olingo.server.api.uri.queryoption.search.SearchBinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.search.SearchExpression;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * {@code $search} as SQL: a word or a quoted phrase matches a row when one of the table's search columns contains
 * it, ignoring the case of ASCII letters; {@code AND}, {@code OR}, {@code NOT} and parentheses combine terms. A null
 * column contains nothing, so {@code NOT} stays two-valued. {@code %} and {@code _} in a term match literally.
 */
final class SearchTranslator {

    private final Block.Binding binding;
    private final Dialect dialect;

    SearchTranslator(Block block) {
        this.binding = block.root();
        this.dialect = block.context().dialect();
    }

    SqlFragment condition(SearchExpression expression) {
        if (binding.table().searchColumns().isEmpty()) {
            throw new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$search",
                    "$search is not supported on " + binding.table().entityType().getName());
        }
        return translate(expression);
    }

    private SqlFragment translate(SearchExpression expression) {
        if (expression.isSearchTerm()) {
            return term(expression.asSearchTerm().getSearchTerm());
        }
        if (expression.isSearchUnary()) {
            return SqlFragment.format("(NOT {})", translate(expression.asSearchUnary().getOperand()));
        }
        SearchBinary binary = expression.asSearchBinary();
        String operator = binary.getOperator() == SearchBinaryOperatorKind.AND ? " AND " : " OR ";
        return SqlFragment.format("({}" + operator + "{})", translate(binary.getLeftOperand()),
                translate(binary.getRightOperand()));
    }

    private SqlFragment term(String text) {
        String pattern = "%" + Functions.escapeLike(asciiLower(text)) + "%";
        List<SqlFragment> matches = new ArrayList<>();
        for (ColumnMap.Column column : binding.table().searchColumns()) {
            SqlFragment value = binding.column(column, false);
            if (column.nullable()) {
                value = SqlFragment.format("COALESCE({}, '')", value);
            }
            matches.add(SqlFragment.format("({} LIKE {} ESCAPE '" + Functions.LIKE_ESCAPE + "')",
                    dialect.asciiLower(value), SqlFragment.param(pattern)));
        }
        return SqlFragment.format("({})", SqlFragment.join(" OR ", matches));
    }

    /** The same folding as {@link Dialect#asciiLower}: only A–Z change. */
    static String asciiLower(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }
}
