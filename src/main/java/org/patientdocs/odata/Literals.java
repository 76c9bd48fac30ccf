package org.patientdocs.odata;

import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeException;
import org.apache.olingo.commons.core.edm.primitivetype.EdmString;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/** Conversions of URI literals the processors need. */
final class Literals {

    private Literals() {
    }

    /** The value of a string key literal such as {@code 'doc-abc'} (with {@code ''} unescaped). */
    static String stringKey(String literal) {
        try {
            return EdmString.getInstance().fromUriLiteral(literal);
        } catch (EdmPrimitiveTypeException e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_KEY, null, "The key is not a valid string", e);
        }
    }
}
