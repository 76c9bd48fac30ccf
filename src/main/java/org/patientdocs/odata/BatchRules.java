package org.patientdocs.odata;

import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.prefer.Preferences;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceEntitySet;
import org.apache.olingo.server.api.uri.UriResourceKind;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.core.uri.parser.Parser;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.url.CanonicalUrls;
import org.patientdocs.url.QueryText;

/**
 * The rules every {@code $batch} follows, multipart or JSON: the body is parsed in memory, so it is bounded
 * ({@code batch.max-bytes}, 413) and so is the number of operations ({@code batch.max-operations}, 400); request
 * identifiers are unique; document content never travels in a batch (uploads and {@code $value} are refused, one
 * message for both); each operation's query gets the checks and rewrites a request of its own gets; and the
 * {@code continue-on-error} preference is read one way. Stateless and thread-safe.
 */
final class BatchRules {

    static final String CONTENT_REFUSED =
            "Document content cannot travel in a batch; upload and download it with requests of their own";

    private static final String CONTINUE_ON_ERROR = "continue-on-error";
    private static final String CONTINUE_ON_ERROR_40 = "odata.continue-on-error";

    /** Whether a batch goes on after a failed request, and what to say about it in {@code Preference-Applied}. */
    record ContinueOnError(boolean value, String applied) {
    }

    private final ServiceConfig.Batch limits;
    private final int maxNestingDepth;
    private final OData odata;
    private final Edm edm;

    BatchRules(ServiceConfig.Batch limits, int maxNestingDepth, OData odata, Edm edm) {
        this.limits = limits;
        this.maxNestingDepth = maxNestingDepth;
        this.odata = odata;
        this.edm = edm;
    }

    /** The body, bounded: refused at once when its declared length is too large, else as soon as too much arrives. */
    InputStream bounded(InputStream body, long declaredLength) {
        if (declaredLength > limits.maxBytes()) {
            throw tooLarge();
        }
        return new LimitedInput(body, limits.maxBytes(), this::tooLarge);
    }

    /** Refuses a batch with too many operations, or with two that share a request identifier. */
    void check(List<BatchOperation> operations) {
        if (operations.size() > limits.maxOperations()) {
            throw new ServiceException.BadRequest(ErrorCode.BATCH_TOO_MANY_OPERATIONS, "$batch",
                    "A batch may hold at most " + limits.maxOperations() + " operations; this one holds "
                            + operations.size());
        }
        Set<String> ids = new HashSet<>();
        for (BatchOperation operation : operations) {
            if (operation.id() != null && !ids.add(operation.id())) {
                throw new ServiceException.BadRequest(ErrorCode.INVALID_BODY, "$batch",
                        "Two requests of the batch have the identifier " + operation.id() + "; each needs its own");
            }
        }
    }

    /**
     * Makes an operation ready to run as a request of its own would be: checks and prepares its headers
     * ({@link OperationHeaders}), refuses document content, then prepares the query. Runs after the operation's
     * {@code $<id>} references are resolved, so it sees the URL that runs.
     */
    void admit(ODataRequest request) {
        // the URL forms a request of its own may take (UrlCompatibilityFilter): unquoted keys, keys as segments;
        // first, so that what the operation addresses is decided on the path that runs
        if (request.getRawODataPath() != null) {
            request.setRawODataPath(CanonicalUrls.path(request.getRawODataPath()));
        }
        ServiceException refused = OperationHeaders.prepare(request);
        if (refused != null) {
            throw refused;
        }
        if (carriesContent(request)) {
            throw new ServiceException.BadRequest(ErrorCode.BATCH_OPERATION_REFUSED, "$batch", CONTENT_REFUSED);
        }
        request.setRawQueryPath(QueryText.prepare(request.getRawQueryPath(), maxNestingDepth,
                () -> EntityPaths.readsOneEntity(edm, request.getMethod().name(), request.getRawODataPath())));
    }

    /**
     * Whether the request reads or writes a document's bytes: it addresses a media stream ({@code $value}), or it
     * posts to a set of media entities (an upload, whatever its content type). Decided on the parsed URL, so no
     * spelling of a path slips past; a URL that does not parse is left to the handler to refuse.
     */
    private boolean carriesContent(ODataRequest request) {
        UriInfo uri;
        try {
            uri = new Parser(edm, odata).parseUri(request.getRawODataPath(), null, null, request.getRawBaseUri());
        } catch (ODataLibraryException | RuntimeException unparsable) {
            return false;
        }
        List<UriResource> parts = uri.getUriResourceParts();
        if (parts.isEmpty()) {
            return false;
        }
        UriResource last = parts.get(parts.size() - 1);
        if (last.getKind() == UriResourceKind.value) {
            return true;
        }
        EdmEntityType type = last instanceof UriResourceEntitySet set ? set.getEntityType()
                : last instanceof UriResourceNavigation navigation ? navigation.getProperty().getType() : null;
        return request.getMethod() == HttpMethod.POST && type != null && type.hasStream();
    }

    /**
     * The {@code continue-on-error} preference of a batch ({@code odata.continue-on-error} in OData 4.0): with no
     * value or {@code true} the batch goes on after a failed request, with {@code false} it stops there; a batch that
     * does not say follows {@code byDefault}, which differs by format (the specification's choice).
     */
    ContinueOnError continueOnError(List<String> preferHeaders, boolean byDefault) {
        Preferences preferences = odata.createPreferences(preferHeaders == null ? List.of() : preferHeaders);
        String name = CONTINUE_ON_ERROR;
        Preferences.Preference preference = preferences.getPreference(name);
        if (preference == null) {
            name = CONTINUE_ON_ERROR_40;
            preference = preferences.getPreference(name);
        }
        if (preference == null) {
            return new ContinueOnError(byDefault, null);
        }
        String value = preference.getValue() == null ? "true" : preference.getValue().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> new ContinueOnError(true, name);
            case "false" -> new ContinueOnError(false, name + "=false");
            // a value the service does not understand leaves the preference unapplied, as RFC 7240 asks
            default -> new ContinueOnError(byDefault, null);
        };
    }

    private ServiceException tooLarge() {
        return new ServiceException.PayloadTooLarge("$batch",
                "A batch request may have at most " + limits.maxBytes() + " bytes");
    }
}
