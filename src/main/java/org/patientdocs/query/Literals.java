package org.patientdocs.query;

import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.core.edm.primitivetype.EdmString;
import org.apache.olingo.server.api.uri.UriParameter;
import org.apache.olingo.server.api.uri.queryoption.expression.Literal;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/** Conversions of URI literals of keys. */
public final class Literals {

    private Literals() {
    }

    /**
     * The value of a key predicate as text: a string key's value ({@link #stringKey(UriParameter)}), or the literal of
     * a key of another type as written ({@code 42} of {@code AuditEvents(42)}), which the parser has checked for the
     * key's type.
     */
    public static String key(UriParameter predicate) {
        String text = predicate.getAlias() == null ? predicate.getText()
                : predicate.getExpression() instanceof Literal literal ? literal.getText() : null;
        return text != null && !text.startsWith("'") ? text : stringKey(predicate);
    }

    /**
     * The value of a string key predicate, written as a literal ({@code Patients('12345')}) or as a parameter alias
     * ({@code Patients(@k)?@k='12345'}), whose value the parser has already found and checked for the key's type.
     */
    public static String stringKey(UriParameter predicate) {
        if (predicate.getAlias() == null) {
            return stringKey(predicate.getText());
        }
        if (predicate.getExpression() instanceof Literal literal && literal.getText() != null) {
            return stringKey(literal.getText());
        }
        throw new ServiceException.BadRequest(ErrorCode.INVALID_KEY, predicate.getAlias(),
                "The key alias " + predicate.getAlias() + " must have a string literal as its value");
    }

    /** The value of a string key literal such as {@code 'doc-abc'} (with {@code ''} unescaped). */
    public static String stringKey(String literal) {
        try {
            return EdmString.getInstance().fromUriLiteral(literal);
        } catch (EdmPrimitiveTypeException e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_KEY, null, "The key is not a valid string", e);
        }
    }
}
