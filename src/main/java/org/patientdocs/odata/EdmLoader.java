package org.patientdocs.odata;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import javax.xml.stream.XMLStreamException;

import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.core.MetadataParser;

/** Loads the service's CSDL ({@code edm/documents.xml}, packaged into the jar) with Olingo's parser. */
public final class EdmLoader {

    public static final String NAMESPACE = "PatientDocs";
    static final String RESOURCE = "/edm/documents.xml";

    private EdmLoader() {
    }

    public static ServiceMetadata load() {
        try (InputStream in = EdmLoader.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            return new MetadataParser()
                    .parseAnnotations(true)
                    .useLocalCoreVocabularies(true)
                    .recursivelyLoadReferences(false)
                    .buildServiceMetadata(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the EDM cannot be parsed", e);
        }
    }
}
