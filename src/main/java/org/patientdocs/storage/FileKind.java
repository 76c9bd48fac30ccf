package org.patientdocs.storage;

import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The kinds of document the service accepts, each with its media type and a conventional file extension. */
public enum FileKind {
    PDF("application/pdf", "pdf"),
    PNG("image/png", "png"),
    JPEG("image/jpeg", "jpg"),
    TIFF("image/tiff", "tif"),
    DOCX("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx");

    private final String mimeType;
    private final String extension;

    FileKind(String mimeType, String extension) {
        this.mimeType = mimeType;
        this.extension = extension;
    }

    public String mimeType() {
        return mimeType;
    }

    /** The usual file extension, without the dot ({@code pdf}). */
    public String extension() {
        return extension;
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
