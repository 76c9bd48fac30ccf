package org.patientdocs.storage;

import java.io.IOException;

/**
 * Stored encrypted bytes failed their authentication: altered, truncated, or not this document's. Nothing of the
 * failing segment was released. The message names no document.
 */
public final class TamperedContent extends IOException {

    TamperedContent(Throwable cause) {
        super("stored document content failed its integrity check", cause);
    }
}
