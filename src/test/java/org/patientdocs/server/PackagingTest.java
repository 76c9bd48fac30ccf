package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.patientdocs.config.ConfigLoader;

/**
 * The Dockerfile and docker-compose.yml keep what they promise, though the image is not built here: a non-root user,
 * the ports the service is told to listen on, a health check on {@code /health/ready} of the management port, and
 * only settings the service knows (a misspelt variable would be ignored silently, leaving its default in force).
 */
class PackagingTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", "."));
    private static final Pattern INSTRUCTION = Pattern.compile("^([A-Z]+)\\s+(.*)$");
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Z][A-Z0-9_]*)=(\\S+)");
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("^\\s+- ([A-Z][A-Z0-9_]*)=(.*)$");

    @Test
    void theImageRunsAsANonRootUserOnThePortsItExposesAndChecksReadiness() throws IOException {
        List<String> finalStage = finalStage(instructions(Files.readString(ROOT.resolve("Dockerfile"))));
        Map<String, String> env = new LinkedHashMap<>();
        List<String> exposed = new ArrayList<>();
        String user = null;
        String healthCheck = null;
        String volume = null;
        String archived = null;
        String entryPoint = null;
        for (String instruction : finalStage) {
            Matcher parts = INSTRUCTION.matcher(instruction);
            assertTrue(parts.matches(), instruction);
            String argument = parts.group(2);
            switch (parts.group(1)) {
                case "ENV" -> ASSIGNMENT.matcher(argument).results().forEach(m -> env.put(m.group(1), m.group(2)));
                case "EXPOSE" -> exposed.addAll(List.of(argument.trim().split("\\s+")));
                case "USER" -> user = argument.trim();
                case "HEALTHCHECK" -> healthCheck = argument;
                case "VOLUME" -> volume = argument;
                case "RUN" -> {
                    Matcher archive = Pattern.compile("-XX:ArchiveClassesAtExit=(\\S+) .*class-data").matcher(argument);
                    archived = archive.find() ? archive.group(1) : archived;
                }
                case "ENTRYPOINT" -> entryPoint = argument;
                default -> {
                    // other instructions promise nothing checked here
                }
            }
        }
        assertTrue(user != null && !user.startsWith("0") && !user.startsWith("root"), "USER " + user);
        assertEquals(List.of(env.get("HTTP_PORT"), env.get("MANAGEMENT_PORT")), exposed);
        assertTrue(healthCheck != null && healthCheck.contains("http://127.0.0.1:" + env.get("MANAGEMENT_PORT")
                + "/health/ready"), healthCheck);
        assertTrue(volume != null && volume.contains("\"" + env.get("DATA_DIR") + "\""), volume);
        assertEquals("0.0.0.0", env.get("HTTP_HOST"), "listening inside the container is listening on its network");
        assertKnown(env.keySet(), "Dockerfile");
        assertTrue(archived != null && entryPoint != null
                && entryPoint.contains("\"-XX:SharedArchiveFile=" + archived + "\""),
                "the service starts with the class data its image's training run archived: " + entryPoint);
    }

    @Test
    void composePassesOnlySettingsTheServiceKnowsAndChecksReadiness() throws IOException {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        String documents = compose.substring(compose.indexOf("\n  documents:"), compose.indexOf("\nvolumes:"));
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : documents.split("\n")) {
            Matcher variable = COMPOSE_VARIABLE.matcher(line);
            if (variable.matches()) {
                env.put(variable.group(1), variable.group(2));
            }
        }
        assertFalse(env.isEmpty());
        assertKnown(env.keySet(), "docker-compose.yml");
        assertTrue(documents.contains("read_only: true"), documents);
        assertTrue(documents.contains("user: \"10001:10001\""), documents);
        assertTrue(documents.contains("http://127.0.0.1:" + env.get("MANAGEMENT_PORT") + "/health/ready"), documents);
        assertTrue(documents.contains("\"" + env.get("HTTP_PORT") + ":" + env.get("HTTP_PORT") + "\""), documents);
        assertTrue(documents.contains("documents-data:" + env.get("DATA_DIR")), documents);
        // no secret written into the file: the password comes from the environment of docker compose
        assertTrue(env.get("DB_PASSWORD").startsWith("${"), env.get("DB_PASSWORD"));
    }

    private static void assertKnown(Set<String> variables, String file) throws IOException {
        Properties keys = new Properties();
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("config").resolve("application.properties"))) {
            keys.load(reader);
        }
        Set<String> known = keys.stringPropertyNames().stream().map(ConfigLoader::envName)
                .collect(Collectors.toSet());
        Set<String> unknown = variables.stream().filter(name -> !known.contains(name)).collect(Collectors.toSet());
        assertEquals(Set.of(), unknown, "variables of " + file + " that set no configuration key");
    }

    /** The Dockerfile's instructions, continuation lines joined and comments left out. */
    private static List<String> instructions(String dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            String trimmed = line.trim();
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                instructions.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static List<String> finalStage(List<String> instructions) {
        int last = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                last = i;
            }
        }
        return instructions.subList(last + 1, instructions.size());
    }
}
