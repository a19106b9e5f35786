package dev.milab.sql.tds;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Loads the hex captures of real mssql-jdbc 13.6.2 messages in {@code dev/milab/sql/captures}. */
public final class Captures {

    /** Every capture, by file name without {@code .hex}. */
    public static final List<String> ALL = List.of("prelogin-fedauth", "prelogin-strict-fedauth", "prelogin-sqlauth",
        "login7-msal", "login7-securitytoken", "login7-sqlauth", "fedauth-token", "sqlbatch-whoami",
        "sqlbatch-select1", "sqlbatch-implicit-transactions", "rpc-executesql", "rpc-prepexec", "rpc-execute",
        "rpc-batch");

    private static final java.util.Map<String, TdsMessage> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    private Captures() {
    }

    /** The capture as a message (payload shared: callers copy before they change it). */
    public static TdsMessage load(String name) {
        return CACHE.computeIfAbsent(name, Captures::read);
    }

    private static TdsMessage read(String name) {
        String resource = "/dev/milab/sql/captures/" + name + ".hex";
        try (InputStream in = Captures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No capture " + resource);
            }
            int type = -1;
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                if (line.startsWith("type=0x")) {
                    type = Integer.parseInt(line.substring(7).strip(), 16);
                } else {
                    hex.append(line.strip());
                }
            }
            return new TdsMessage(type, HexFormat.of().parseHex(hex));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
