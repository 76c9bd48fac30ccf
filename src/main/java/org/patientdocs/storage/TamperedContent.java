package org.patientdocs.storage;

import java.io.IOException;

import org.patientdocs.error.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored bytes failed their check: encrypted bytes or their wrapped key altered, truncated or another document's, or
 * unencrypted bytes no longer matching their SHA-256. Nothing of the failing encrypted segment was released. Made
 * through {@link #reported}, which logs the event once; neither the log line nor the message names the document.
 */
public final class TamperedContent extends IOException {

    private static final Logger LOG = LoggerFactory.getLogger(TamperedContent.class);

    private TamperedContent(Throwable cause) {
        super("stored document content failed its integrity check", cause);
    }

    /** The failure, logged at ERROR with the request id (or "-" in a command) and nothing of the document. */
    static TamperedContent reported(Throwable cause) {
        LOG.error("request {}: stored document content failed its integrity check (altered, truncated or another"
                + " document's); the read was stopped before any byte of the failing part", RequestIds.current());
        return new TamperedContent(cause);
    }
}
