package dev.milab.sql.tds;

/**
 * ENVCHANGE (MS-TDS 2.2.7.9, token 0xE3): the server tells the client about a changed session setting. The lab
 * sends database (1), language (2), packet size (4) as B_VARCHAR new and old values, SQL collation (7) as
 * B_VARBYTE (mssql-jdbc needs the collation to send its first string parameter), and transaction begin (8),
 * commit (9) and rollback (10) with the transaction descriptor as B_VARBYTE.
 */
public record EnvChangeToken(int changeType, byte[] newValue, byte[] oldValue) implements ServerToken {

    public static final int TYPE = 0xE3;
    public static final int DATABASE = 1;
    public static final int LANGUAGE = 2;
    public static final int PACKET_SIZE = 4;
    public static final int SQL_COLLATION = 7;
    public static final int BEGIN_TRANSACTION = 8;
    public static final int COMMIT_TRANSACTION = 9;
    public static final int ROLLBACK_TRANSACTION = 10;

    public static EnvChangeToken ofStrings(int changeType, String newValue, String oldValue) {
        return new EnvChangeToken(changeType, bVarchar(newValue), bVarchar(oldValue));
    }

    public static EnvChangeToken collation(Collation collation) {
        return new EnvChangeToken(SQL_COLLATION, bVarbyte(collation.encode()), bVarbyte(new byte[0]));
    }

    /**
     * A transaction began (new value: its 8-byte descriptor, which the client sends back in ALL_HEADERS), was
     * committed or was rolled back (old value: the descriptor).
     */
    public static EnvChangeToken transaction(int changeType, byte[] descriptor) {
        byte[] empty = bVarbyte(new byte[0]);
        return changeType == BEGIN_TRANSACTION ? new EnvChangeToken(changeType, bVarbyte(descriptor), empty)
            : new EnvChangeToken(changeType, empty, bVarbyte(descriptor));
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        w.uint8(TYPE).uint16(1 + newValue.length + oldValue.length).uint8(changeType).bytes(newValue)
            .bytes(oldValue);
    }

    private static byte[] bVarchar(String s) {
        return new TdsWriter().bVarchar(s).toByteArray();
    }

    private static byte[] bVarbyte(byte[] b) {
        return new TdsWriter().uint8(b.length).bytes(b).toByteArray();
    }
}
