package dev.milab.sql.tds;

/**
 * Transaction manager request (MS-TDS 2.2.6.9, packet type 0x0E): ALL_HEADERS, a request type (USHORT) and its
 * payload. Begin (5) carries an isolation level and a transaction name; commit (7) and rollback (8) a name and
 * flags (0x01: begin a new transaction at once, with its isolation level and name); save (9) a savepoint name.
 * Distributed transaction requests (0, 1, 6) are read as their type only.
 *
 * @param isolationLevel 0 unchanged, 1 read uncommitted, 2 read committed, 3 repeatable read, 4 serializable,
 *                       5 snapshot
 */
public record TransactionManagerMessage(int requestType, int isolationLevel, String name, boolean beginNew,
                                        int newIsolationLevel, String newName) {

    public static final int GET_DTC_ADDRESS = 0;
    public static final int PROPAGATE_XACT = 1;
    public static final int BEGIN_XACT = 5;
    public static final int PROMOTE_XACT = 6;
    public static final int COMMIT_XACT = 7;
    public static final int ROLLBACK_XACT = 8;
    public static final int SAVE_XACT = 9;
    private static final int FLAG_BEGIN_XACT = 0x01;

    public static TransactionManagerMessage decode(byte[] payload) throws TdsProtocolException {
        int start = AllHeaders.skip(payload);
        TdsReader r = new TdsReader(payload).slice(start, payload.length - start, "transaction manager request");
        int type = r.uint16();
        return switch (type) {
            case BEGIN_XACT -> {
                int level = isolation(r);
                yield new TransactionManagerMessage(type, level, r.ucs2(r.uint8()), false, 0, "");
            }
            case COMMIT_XACT, ROLLBACK_XACT -> {
                String name = r.ucs2(r.uint8());
                boolean begin = (r.uint8() & FLAG_BEGIN_XACT) != 0;
                int newLevel = 0;
                String newName = "";
                if (begin) {
                    newLevel = isolation(r);
                    newName = r.ucs2(r.uint8());
                }
                yield new TransactionManagerMessage(type, 0, name, begin, newLevel, newName);
            }
            case SAVE_XACT -> new TransactionManagerMessage(type, 0, r.ucs2(r.uint8()), false, 0, "");
            case GET_DTC_ADDRESS, PROPAGATE_XACT, PROMOTE_XACT -> new TransactionManagerMessage(type, 0, "", false,
                0, "");
            default -> throw new TdsProtocolException("Transaction manager request type " + type);
        };
    }

    private static int isolation(TdsReader r) throws TdsProtocolException {
        int level = r.uint8();
        if (level > 5) {
            throw new TdsProtocolException("Isolation level " + level);
        }
        return level;
    }

    /** Encodes a request as a client sends it (for tests). */
    public byte[] encode() {
        TdsWriter w = new TdsWriter().int32(22).int32(18).uint16(2).int64(0).int32(1).uint16(requestType);
        switch (requestType) {
            case BEGIN_XACT -> w.uint8(isolationLevel).bVarchar(name);
            case COMMIT_XACT, ROLLBACK_XACT -> {
                w.bVarchar(name).uint8(beginNew ? FLAG_BEGIN_XACT : 0);
                if (beginNew) {
                    w.uint8(newIsolationLevel).bVarchar(newName);
                }
            }
            case SAVE_XACT -> w.bVarchar(name);
            default -> {
            }
        }
        return w.toByteArray();
    }
}
