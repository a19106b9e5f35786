package dev.milab.sql.tds;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * PRELOGIN (MS-TDS 2.2.6.5): a table of options (token, big-endian offset and length from the payload start,
 * 0xFF terminator) followed by their data. The client sends one first (in TDS 8.0 inside TLS); the server answers
 * with one in a tabular-result message.
 *
 * @param options the options in the order they appear
 */
public record PreLoginMessage(List<Option> options) {

    public static final int VERSION = 0x00;
    public static final int ENCRYPTION = 0x01;
    public static final int INSTOPT = 0x02;
    public static final int THREADID = 0x03;
    public static final int MARS = 0x04;
    public static final int TRACEID = 0x05;
    public static final int FEDAUTHREQUIRED = 0x06;
    public static final int NONCEOPT = 0x07;
    public static final int TERMINATOR = 0xFF;

    /** B_FENCRYPTION values (MS-TDS 2.2.6.5). */
    public static final int ENCRYPT_OFF = 0x00;
    public static final int ENCRYPT_ON = 0x01;
    public static final int ENCRYPT_NOT_SUP = 0x02;
    public static final int ENCRYPT_REQ = 0x03;

    /** One PRELOGIN option. */
    public record Option(int token, byte[] data) {
    }

    public PreLoginMessage {
        options = List.copyOf(options);
    }

    public Optional<byte[]> option(int token) {
        return options.stream().filter(o -> o.token() == token).map(Option::data).findFirst();
    }

    /** The client's B_FENCRYPTION, or empty if it sent none. */
    public Optional<Integer> encryption() {
        return option(ENCRYPTION).filter(d -> d.length >= 1).map(d -> d[0] & 0xFF);
    }

    /** Whether the client sent FEDAUTHREQUIRED with 0x01: it intends to log in with an Entra token. */
    public boolean fedAuthRequired() {
        return option(FEDAUTHREQUIRED).filter(d -> d.length >= 1).map(d -> d[0] == 1).orElse(false);
    }

    /** Decodes a PRELOGIN payload, checking every offset and length against it. */
    public static PreLoginMessage decode(byte[] payload) throws TdsProtocolException {
        TdsReader table = new TdsReader(payload);
        List<Option> options = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        while (true) {
            int token = table.uint8();
            if (token == TERMINATOR) {
                break;
            }
            int offset = table.uint16BigEndian();
            int length = table.uint16BigEndian();
            if (!seen.add(token)) {
                throw new TdsProtocolException(String.format("PRELOGIN option 0x%02X appears twice", token));
            }
            if (options.size() > 32) {
                throw new TdsProtocolException("PRELOGIN has more than 32 options");
            }
            byte[] data = new TdsReader(payload).slice(offset, length, "PRELOGIN option data").bytes(length);
            options.add(new Option(token, data));
        }
        if (options.stream().noneMatch(o -> o.token() == VERSION)) {
            throw new TdsProtocolException("PRELOGIN without VERSION");
        }
        byte[] encryption = options.stream().filter(o -> o.token() == ENCRYPTION).map(Option::data).findFirst()
            .orElse(null);
        if (encryption != null && encryption.length != 1) {
            throw new TdsProtocolException("PRELOGIN ENCRYPTION must be 1 byte");
        }
        return new PreLoginMessage(options);
    }

    public byte[] encode() {
        int tableLength = options.size() * 5 + 1;
        TdsWriter w = new TdsWriter();
        int offset = tableLength;
        for (Option o : options) {
            w.uint8(o.token()).uint16BigEndian(offset).uint16BigEndian(o.data().length);
            offset += o.data().length;
        }
        w.uint8(TERMINATOR);
        options.forEach(o -> w.bytes(o.data()));
        return w.toByteArray();
    }

    /**
     * The server's answer: its version (major, minor, build as in LOGINACK), the encryption it settles on, and
     * FEDAUTHREQUIRED echoed as 0x01 when the client sent that option, as Azure SQL does.
     */
    public static PreLoginMessage serverResponse(int major, int minor, int build, int encryption,
                                                 boolean echoFedAuthRequired) {
        List<Option> options = new ArrayList<>();
        options.add(new Option(VERSION, new byte[] {(byte) major, (byte) minor, (byte) (build >>> 8), (byte) build,
            0, 0}));
        options.add(new Option(ENCRYPTION, new byte[] {(byte) encryption}));
        options.add(new Option(INSTOPT, new byte[] {0}));
        options.add(new Option(THREADID, new byte[0]));
        options.add(new Option(MARS, new byte[] {0}));
        if (echoFedAuthRequired) {
            options.add(new Option(FEDAUTHREQUIRED, new byte[] {1}));
        }
        return new PreLoginMessage(options);
    }
}
