package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/** Files for the tests of the content checks: the real documents under {@code uploads/}, and how refusals look. */
final class UploadFiles {

    /** The limits of {@code config/application.properties}. */
    static final ServiceConfig.Upload LIMITS = new ServiceConfig.Upload(26_214_400, 10_000, 268_435_456, 100);

    private UploadFiles() {
    }

    /** A real document of the test resources (see {@code src/test/resources/uploads/README.md}). */
    static byte[] fixture(String name) {
        try (InputStream in = UploadFiles.class.getResourceAsStream("/uploads/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource uploads/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kind the checks find for the bytes, with the default limits. */
    static FileKind verify(Path dir, String declared, byte[] bytes) throws IOException {
        return new ContentSniffer(LIMITS).verify(declared, write(dir, "upload", bytes));
    }

    /** The refusal of a call, which must be a 400 about the file; its message is returned for a closer look. */
    static ServiceException refusal(ErrorCode expected, Check check) {
        ServiceException.BadRequest e = assertThrows(ServiceException.BadRequest.class, check::run);
        assertEquals(expected, e.code(), e.getMessage());
        assertEquals("file", e.target());
        return e;
    }

    /** A check of the content, which may fail with an I/O error. */
    @FunctionalInterface
    interface Check {
        void run() throws IOException;
    }
}
