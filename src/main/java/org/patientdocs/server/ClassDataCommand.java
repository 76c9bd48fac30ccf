package org.patientdocs.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.patientdocs.auth.DevCommands;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;

/**
 * {@code java -XX:ArchiveClassesAtExit=target/documents-odata.jsa -jar … class-data}: the build's training run for
 * class data sharing. Starts the service in development mode on an empty temporary data directory and a free port of
 * 127.0.0.1, asks it what a client first asks (the service document, {@code $metadata}, a page of documents), stops it
 * and removes the directory. The JVM then writes the classes it loaded to the archive, and a start with
 * {@code -XX:SharedArchiveFile=target/documents-odata.jsa} maps them instead of reading and verifying each from the
 * jar: the start and the first answer take about half as long. Exit code 0, or 1 when the service did not answer.
 */
final class ClassDataCommand {

    static final String NAME = "class-data";
    private static final List<String> REQUESTS = List.of("", "$metadata",
            "Documents?$filter=startswith(file_name,'ref')&$orderby=uploaded_at%20desc&$top=5&$count=true");

    private ClassDataCommand() {
    }

    static int run(PrintStream out, PrintStream err) throws Exception {
        Path dataDir = Files.createTempDirectory("patientdocs-class-data");
        try {
            ServiceConfig config = ConfigLoader.fromOverrides(Map.of("data.dir", dataDir.toString(),
                    "http.host", "127.0.0.1", "http.port", "0", "auth.mode", "development",
                    "shutdown.delay-seconds", "0"));
            try (ServiceRuntime runtime = ServiceRuntime.start(config)) {
                String token = DevCommands.value(config, DevCommands.TOKEN, "--subject", "class-data");
                String apiKey = DevCommands.value(config, DevCommands.API_KEY);
                HttpClient http = HttpClient.newHttpClient();
                for (String path : REQUESTS) {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(runtime.baseUri().resolve(path))
                            .header("Authorization", "Bearer " + token).header("x-api-key", apiKey).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() != 200) {
                        err.println("the service answered " + response.statusCode() + " to " + path);
                        return 1;
                    }
                }
            }
            out.println("classes of a start and a first answer loaded; the JVM writes them to its archive at exit");
            return 0;
        } finally {
            delete(dataDir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
