package dev.milab.bearertoken.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/** Reading a properties file: the one place both halves of the app get their settings from. */
final class Settings {

    private final Properties properties;

    private Settings(Properties properties) {
        this.properties = properties;
    }

    static Settings of(Properties properties) {
        return new Settings(properties);
    }

    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        }
        return p;
    }

    /** The file a program reads: {@code --config FILE}, else {@code fallback} in the working directory. */
    static Path locate(String[] args, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--config")) {
                return Path.of(args[i + 1]);
            }
        }
        return Path.of(fallback);
    }

    Optional<String> optional(String key) {
        String value = properties.getProperty(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String required(String key) {
        return optional(key).orElseThrow(() -> new IllegalArgumentException(key + " is missing"));
    }

    String or(String key, String fallback) {
        return optional(key).orElse(fallback);
    }

    /** A comma-separated list, as a set in the file's order. */
    Set<String> list(String key) {
        Set<String> values = new LinkedHashSet<>();
        optional(key).ifPresent(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .forEach(values::add));
        return values;
    }

    Optional<Path> path(String key) {
        return optional(key).map(Path::of);
    }
}
