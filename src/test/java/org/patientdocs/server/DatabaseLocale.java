package org.patientdocs.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The locale the test PostgreSQL databases are created with: {@code en_US.UTF-8}, the collation most databases have,
 * under which {@code 'a' < 'B'} and {@code LOWER('Ü')} is {@code 'ü'}. The suite so shows that the service answers
 * by code point whatever the database's collation.
 * <p>
 * A fresh Debian machine has only the C locales compiled, but ships the locale sources (package {@code locales}).
 * The build sets {@code LOCPATH} to {@code target/locales} for the test JVM (failsafe's environment variables), which
 * the PostgreSQL servers it starts inherit; {@code localedef} compiles {@code en_US.UTF-8} there, without root. When
 * that cannot be done, the databases are {@code C.UTF-8}, whose case mapping is not ASCII-only but whose order is
 * code-point order, and the test log says why.
 */
final class DatabaseLocale {

    static final String LANGUAGE = "en_US.UTF-8";
    static final String FALLBACK = "C.UTF-8";
    private static String chosen;

    private DatabaseLocale() {
    }

    /** The locale for new test databases: {@link #LANGUAGE} when it can be had, else {@link #FALLBACK}. */
    static synchronized String get() {
        if (chosen == null) {
            chosen = choose();
        }
        return chosen;
    }

    private static String choose() {
        String locpath = System.getenv("LOCPATH");
        String problem;
        if (locpath == null || locpath.isBlank()) {
            // Outside the build (an IDE): the machine's own locales, if it has en_US.
            problem = run(List.of("locale", "-a")).contains("en_US.utf8") ? null
                    : "LOCPATH is not set (the build sets it) and the machine has no en_US.UTF-8 locale";
        } else {
            problem = compile(Path.of(locpath.split(":")[0]).toAbsolutePath());
        }
        if (problem == null) {
            return LANGUAGE;
        }
        System.out.println("NOTE: the PostgreSQL test databases use " + FALLBACK + ", not " + LANGUAGE + ": " + problem
                + ". Text still orders by code point in " + FALLBACK + ", so the tests that need a language collation"
                + " are skipped. Install the locale sources (Debian: apt-get install locales) to run them.");
        return FALLBACK;
    }

    /** Compiles en_US.UTF-8 into the directory unless there already; null when done, else what went wrong. */
    private static String compile(Path directory) {
        Path locale = directory.resolve(LANGUAGE);
        if (Files.isRegularFile(locale.resolve("LC_COLLATE"))) {
            return null;
        }
        try {
            Files.createDirectories(directory);
            // Compiled beside and moved into place, so that an interrupted run leaves no half locale behind.
            Path partial = Files.createTempDirectory(directory, LANGUAGE + ".partial");
            String output = run(List.of("localedef", "-i", "en_US", "-f", "UTF-8", partial.toString()));
            if (!Files.isRegularFile(partial.resolve("LC_COLLATE"))) {
                return "localedef -i en_US -f UTF-8 failed: " + output.strip();
            }
            Files.move(partial, locale, StandardCopyOption.ATOMIC_MOVE);
            return null;
        } catch (IOException e) {
            return "cannot compile the locale into " + directory + ": " + e.getMessage();
        }
    }

    /** What a command prints, standard output and error together; a command that cannot run prints why. */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            try (InputStream output = process.getInputStream()) {
                String text = new String(output.readAllBytes(), StandardCharsets.UTF_8);
                int status = process.waitFor();
                return status == 0 ? text : text + " (exit code " + status + ")";
            }
        } catch (IOException e) {
            return command.get(0) + " cannot run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return command.get(0) + " was interrupted";
        }
    }
}
