package org.patientdocs.odata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLStreamException;

import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.edm.provider.CsdlAnnotation;
import org.apache.olingo.commons.api.edm.provider.CsdlEdmProvider;
import org.apache.olingo.commons.api.edm.provider.CsdlSchema;
import org.apache.olingo.commons.api.edm.provider.CsdlTerm;
import org.apache.olingo.commons.api.edm.provider.annotation.CsdlConstantExpression;
import org.apache.olingo.commons.api.edm.provider.annotation.CsdlConstantExpression.ConstantExpressionType;
import org.apache.olingo.commons.api.ex.ODataException;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.core.MetadataParser;
import org.apache.olingo.server.core.SchemaBasedEdmProvider;

/**
 * Loads the service's CSDL ({@code edm/documents.xml}, packaged into the jar) with Olingo's parser, and adds the
 * annotations whose values come from configuration (page size, upload limit), so $metadata states what this
 * instance actually does.
 */
public final class EdmLoader {

    public static final String NAMESPACE = "PatientDocs";
    static final String RESOURCE = "/edm/documents.xml";
    /** Terms of the Capabilities vocabulary newer than Olingo's copy, with what they apply to. */
    private static final Map<FullQualifiedName, List<String>> NEWER_TERMS = Map.of(
            new FullQualifiedName("Org.OData.Capabilities.V1", "KeyAsSegmentSupported"), List.of("EntityContainer"),
            new FullQualifiedName("Org.OData.Capabilities.V1", "ComputeSupported"), List.of("EntitySet", "Collection"));

    private EdmLoader() {
    }

    /** The model as written in the CSDL file. */
    public static ServiceMetadata load() {
        SchemaBasedEdmProvider provider = parse();
        return OData.newInstance().createServiceMetadata(withNewerTerms(provider), provider.getReferences());
    }

    /** The model with this instance's limits annotated. */
    public static ServiceMetadata load(int maxPageSize, long maxUploadBytes) {
        SchemaBasedEdmProvider provider = parse();
        try {
            CsdlSchema schema = provider.getSchemas().stream().filter(x -> NAMESPACE.equals(x.getNamespace()))
                    .findFirst().orElseThrow();
            schema.getEntityContainer().getAnnotations()
                    .add(annotation("MaxPageSize", ConstantExpressionType.Int, maxPageSize));
            schema.getEntityType("Document").getAnnotations()
                    .add(annotation("MaxUploadBytes", ConstantExpressionType.Int, maxUploadBytes));
        } catch (ODataException e) {
            throw new IllegalStateException("the EDM has no schema " + NAMESPACE, e);
        }
        return OData.newInstance().createServiceMetadata(withNewerTerms(provider), provider.getReferences());
    }

    /**
     * The provider, knowing also the vocabulary terms the service uses that Olingo 5's own copy of the Capabilities
     * vocabulary predates ({@code Capabilities.KeyAsSegmentSupported}, {@code Capabilities.ComputeSupported}):
     * without them Olingo cannot resolve the term and writes the annotation into $metadata without it. The service's vocabularies (served at /vocabularies) have
     * them.
     */
    private static CsdlEdmProvider withNewerTerms(SchemaBasedEdmProvider provider) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("getTerm") && args[0] instanceof FullQualifiedName name
                    && NEWER_TERMS.containsKey(name) && provider.getTerm(name) == null) {
                // both are Core.Tag, a Boolean
                return new CsdlTerm().setName(name.getName()).setType("Edm.Boolean")
                        .setAppliesTo(NEWER_TERMS.get(name));
            }
            try {
                return method.invoke(provider, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (CsdlEdmProvider) Proxy.newProxyInstance(EdmLoader.class.getClassLoader(),
                new Class<?>[] {CsdlEdmProvider.class}, handler);
    }

    private static CsdlAnnotation annotation(String term, ConstantExpressionType type, long value) {
        return new CsdlAnnotation().setTerm(NAMESPACE + "." + term)
                .setExpression(new CsdlConstantExpression(type, Long.toString(value)));
    }

    /**
     * A vocabulary the model references, from the copies the service serves ({@code vocabularies/…}), for the
     * parser. The Aggregation vocabulary is a CSDL 4.01 document, which Olingo's parser refuses for its version alone;
     * what the model uses of it is 4.0 CSDL, so the parser is given it as version 4.0. The copy served is unchanged.
     */
    private static InputStream vocabulary(URI reference, String xmlBase) {
        if (reference.isAbsolute()) {
            throw new IllegalStateException("the model references vocabularies by the service's own URL only");
        }
        try (InputStream in = EdmLoader.class.getResourceAsStream("/" + reference.getPath())) {
            if (in == null) {
                throw new IllegalStateException("vocabulary missing from the build: " + reference);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replaceFirst("(?<head><edmx:Edmx [^>]*Version=\")4\\.01\"", "${head}4.0\"");
            return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SchemaBasedEdmProvider parse() {
        try (InputStream in = EdmLoader.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            return new MetadataParser()
                    .parseAnnotations(true)
                    .useLocalCoreVocabularies(true)
                    .recursivelyLoadReferences(false)
                    .referenceResolver(EdmLoader::vocabulary)
                    .buildEdmProvider(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (XMLStreamException e) {
            throw new IllegalStateException("the EDM cannot be parsed", e);
        }
    }
}
