package dev.milab.sql.tds;

/**
 * LOGINACK (MS-TDS 2.2.7.14, token 0xAD): the login succeeded. Interface (1 = T-SQL), the TDS version the server
 * speaks (big-endian), its program name and version (major, minor, build high, build low).
 */
public record LoginAckToken(int tdsVersion, String programName, int major, int minor, int build)
    implements ServerToken {

    public static final int TYPE = 0xAD;
    private static final int INTERFACE_SQL_TSQL = 1;

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        int length = 1 + 4 + 1 + programName.length() * 2 + 4;
        w.uint8(TYPE).uint16(length).uint8(INTERFACE_SQL_TSQL).int32BigEndian(tdsVersion).bVarchar(programName)
            .uint8(major).uint8(minor).uint8(build >>> 8).uint8(build);
    }
}
