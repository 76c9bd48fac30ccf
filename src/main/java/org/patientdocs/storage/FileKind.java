package org.patientdocs.storage;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The kinds of document the service accepts, each with its media type, what to call it in a message and the file
 * extensions a name of its kind may end in (the first is the conventional one).
 */
public enum FileKind {
    PDF("application/pdf", "PDF document", List.of("pdf")),
    PNG("image/png", "PNG image", List.of("png")),
    // the extensions the shared MIME database (freedesktop.org, Apache Tika) lists for image/jpeg
    JPEG("image/jpeg", "JPEG image", List.of("jpg", "jpeg", "jpe", "jif", "jfif", "jfi")),
    TIFF("image/tiff", "TIFF image", List.of("tif", "tiff")),
    DOCX("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document (DOCX)",
            List.of("docx"));

    private final String mimeType;
    private final String description;
    private final List<String> extensions;

    FileKind(String mimeType, String description, List<String> extensions) {
        this.mimeType = mimeType;
        this.description = description;
        this.extensions = extensions;
    }

    public String mimeType() {
        return mimeType;
    }

    /** What a message calls a file of this kind: {@code PNG image}. */
    public String description() {
        return description;
    }

    /** The usual file extension, without the dot ({@code pdf}). */
    public String extension() {
        return extensions.get(0);
    }

    /** Every extension a file name of this kind may end in, without the dot, in lower case. */
    public List<String> extensions() {
        return extensions;
    }

    /**
     * The kind whose media type is the given one, compared case-insensitively and ignoring parameters
     * ({@code Application/PDF; charset=binary} is PDF); empty for anything else, including null.
     */
    public static Optional<FileKind> ofMimeType(String contentType) {
        String base = baseMediaType(contentType);
        for (FileKind kind : values()) {
            if (kind.mimeType.equals(base)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** The accepted media types, comma-separated, for messages. */
    public static String allowedMimeTypes() {
        return Stream.of(values()).map(FileKind::mimeType).collect(Collectors.joining(", "));
    }

    /** The media type without parameters, trimmed and in lower case; "" for null. */
    static String baseMediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String base = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return base.trim().toLowerCase(Locale.ROOT);
    }
}
