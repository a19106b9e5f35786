package dev.milab.kit;

import java.util.Locale;

/** Where a demo runs: the embedded lab (the default) or a real Azure subscription. */
public enum Target {
    LAB, AZURE;

    public static Target parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "lab" -> LAB;
            case "azure" -> AZURE;
            default -> throw new IllegalArgumentException("--target is 'lab' or 'azure', not '" + value + "'");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
