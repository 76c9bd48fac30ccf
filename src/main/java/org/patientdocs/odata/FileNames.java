package org.patientdocs.odata;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.storage.FileKind;
import org.patientdocs.url.PercentCoding;

/**
 * File names as stored and as offered back in {@code Content-Disposition}. A name is stored as sent or refused,
 * never silently changed, but for the path before it, white space around it and its Unicode normalisation (NFC).
 * Refusals name the rule; they never quote the name, and neither does anything the service logs.
 */
final class FileNames {

    /** The model's MaxLength, which Olingo checks in UTF-16 code units: a character above U+FFFF counts twice. */
    static final int MAX_LENGTH = 255;

    private static final String TARGET = "file_name";
    /**
     * Unicode's Bidi_Control characters: the arabic letter mark, the left-to-right and right-to-left marks, the
     * embeddings and overrides (U+202A to U+202E) and the isolates (U+2066 to U+2069). The right-to-left override
     * (U+202E) before "fdp.exe" shows "reportexe.pdf" for a program. As numbers, so that the source holds none.
     */
    private static final Set<Integer> BIDI_CONTROLS = Set.of(0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D,
            0x202E, 0x2066, 0x2067, 0x2068, 0x2069);

    private FileNames() {
    }

    /**
     * The name to store for a file of the given kind: the last path component of what the client sent (browsers
     * used to send {@code C:\fakepath\x.pdf}), stripped of white space at either end and in Unicode normalisation
     * form C; {@code document.<ext>} when the client sent no name at all.
     *
     * @throws ServiceException.BadRequest {@link ErrorCode#INVALID_FILE_NAME} for a name with control characters
     *                                     (NUL among them), line or paragraph separators, bidirectional controls
     *                                     or unpaired surrogates, an empty name, one that ends with a dot, or one
     *                                     longer than {@value #MAX_LENGTH} UTF-16 code units;
     *                                     {@link ErrorCode#CONTENT_TYPE_MISMATCH} for an extension that is not one
     *                                     of the kind's (a name without a dot has no extension and is kept so)
     */
    static String checked(String sent, FileKind kind) {
        if (sent == null) {
            return "document." + kind.extension();
        }
        String name = normalized(sent);
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && !kind.extensions().contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
            throw new ServiceException.BadRequest(ErrorCode.CONTENT_TYPE_MISMATCH, TARGET, "The file name's extension"
                    + " does not match its content, a " + kind.description() + ": end the name in "
                    + extensions(kind.extensions()) + ".");
        }
        return name;
    }

    /**
     * A name checked before the content is there (a resumable upload's, at its creation), as {@link #checked} checks
     * it; its extension, if any, must be one of some accepted kind's. Null when none was sent.
     */
    static String checkedBeforeContent(String sent) {
        if (sent == null) {
            return null;
        }
        String name = normalized(sent);
        int dot = name.lastIndexOf('.');
        List<String> accepted = Arrays.stream(FileKind.values()).flatMap(k -> k.extensions().stream()).toList();
        if (dot >= 0 && !accepted.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
            throw new ServiceException.BadRequest(ErrorCode.UNSUPPORTED_FILE_TYPE, TARGET, "The file name's extension"
                    + " is not one of an accepted type; end the name in " + extensions(accepted) + ".");
        }
        return name;
    }

    private static String normalized(String sent) {
        refuseCharacters(sent);
        String name = sent.substring(Math.max(sent.lastIndexOf('/'), sent.lastIndexOf('\\')) + 1);
        name = Normalizer.normalize(name, Normalizer.Form.NFC).strip();
        if (name.isEmpty()) {
            throw invalid("The file name is empty; send the document's name, or none at all.");
        }
        if (name.endsWith(".")) {
            // Windows drops trailing dots, so "x.exe." would become "x.exe" on the disk it is saved to
            throw invalid("A file name may not end with a dot.");
        }
        if (name.length() > MAX_LENGTH) {
            throw invalid("A file name may have at most " + MAX_LENGTH + " characters (a character above U+FFFF counts"
                    + " twice); longer names are refused, not cut.");
        }
        return name;
    }

    private static void refuseCharacters(String name) {
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            String what = null;
            if (type == Character.CONTROL) {
                what = "a control character";
            } else if (type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                what = "a line or paragraph separator";
            } else if (BIDI_CONTROLS.contains(cp)) {
                what = "a bidirectional control character";
            } else if (type == Character.SURROGATE) {
                what = "half of a surrogate pair";
            }
            if (what != null) {
                throw invalid(String.format(Locale.ROOT, "The file name contains %s (U+%04X); such characters are"
                        + " refused, not removed.", what, cp));
            }
        }
    }

    private static String extensions(List<String> extensions) {
        List<String> dotted = extensions.stream().map(e -> "." + e).toList();
        if (dotted.size() == 1) {
            return dotted.get(0);
        }
        return dotted.subList(0, dotted.size() - 1).stream().collect(Collectors.joining(", "))
                + " or " + dotted.get(dotted.size() - 1);
    }

    private static ServiceException.BadRequest invalid(String message) {
        return new ServiceException.BadRequest(ErrorCode.INVALID_FILE_NAME, TARGET, message);
    }

    /**
     * {@code attachment} with an ASCII-only {@code filename} (other characters as '_') for old clients and the exact
     * name as RFC 8187 {@code filename*} for the rest.
     */
    static String attachment(String fileName) {
        StringBuilder ascii = new StringBuilder(fileName.length());
        fileName.codePoints().forEach(cp -> ascii.append(
                cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != '%' && cp != ';' ? (char) cp : '_'));
        return "attachment; filename=\"" + ascii + "\"; filename*=" + PercentCoding.extendedValue(fileName);
    }
}
