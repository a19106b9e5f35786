package dev.milab.sql.tds;

/**
 * ERROR (MS-TDS 2.2.7.10, token 0xAA) and INFO (MS-TDS 2.2.7.13, token 0xAB), which share one layout: number,
 * state, class (severity), message text (US_VARCHAR), server name and procedure name (B_VARCHAR), line number.
 */
public record MessageToken(int type, int number, int state, int severity, String message, String serverName,
                           String procedureName, int lineNumber) implements ServerToken {

    public static final int ERROR = 0xAA;
    public static final int INFO = 0xAB;

    public static MessageToken error(int number, int state, int severity, String message, String serverName) {
        return new MessageToken(ERROR, number, state, severity, message, serverName, "", 1);
    }

    public static MessageToken info(int number, int state, String message, String serverName) {
        return new MessageToken(INFO, number, state, 0, message, serverName, "", 1);
    }

    @Override
    public void encode(TdsWriter w) {
        TdsWriter body = new TdsWriter().int32(number).uint8(state).uint8(severity).usVarchar(message)
            .bVarchar(serverName).bVarchar(procedureName).int32(lineNumber);
        byte[] bytes = body.toByteArray();
        w.uint8(type).uint16(bytes.length).bytes(bytes);
    }
}
