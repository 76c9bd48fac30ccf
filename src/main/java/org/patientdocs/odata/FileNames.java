package org.patientdocs.odata;

import org.patientdocs.storage.FileKind;
import org.patientdocs.url.PercentCoding;

/** File names as stored and as offered back in {@code Content-Disposition}. */
final class FileNames {

    /** The model's MaxLength, which Olingo checks in UTF-16 code units: a character above U+FFFF counts twice. */
    static final int MAX_LENGTH = 255;

    private FileNames() {
    }

    /**
     * The name to store: the last path component of what the client sent (browsers send {@code C:\fakepath\x.pdf}),
     * without control characters, at most {@value #MAX_LENGTH} UTF-16 code units (a character is never split);
     * {@code document.<ext>} when nothing is left.
     */
    static String clean(String sent, FileKind kind) {
        String name = sent == null ? "" : sent;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp) || cp == 0x7f) {
                continue;
            }
            if (out.length() + Character.charCount(cp) > MAX_LENGTH) {
                break;
            }
            out.appendCodePoint(cp);
        }
        String cleaned = out.toString().strip();
        return cleaned.isEmpty() || cleaned.equals(".") || cleaned.equals("..")
                ? "document." + kind.extension() : cleaned;
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
