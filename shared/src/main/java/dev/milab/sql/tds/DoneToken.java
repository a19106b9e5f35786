package dev.milab.sql.tds;

/**
 * DONE (MS-TDS 2.2.7.6, token 0xFD): the end of a statement or request. Status bits: 0x01 more results follow,
 * 0x02 error, 0x10 the row count is valid, 0x20 attention acknowledged. Current command (0xC1 for SELECT) and a
 * 64-bit row count follow.
 */
public record DoneToken(int status, int currentCommand, long rowCount) implements ServerToken {

    public static final int TYPE = 0xFD;
    public static final int MORE = 0x01;
    public static final int ERROR = 0x02;
    public static final int COUNT = 0x10;
    public static final int ATTENTION = 0x20;
    public static final int COMMAND_SELECT = 0xC1;

    public static DoneToken done() {
        return new DoneToken(0, 0, 0);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        w.uint8(TYPE).uint16(status).uint16(currentCommand).int64(rowCount);
    }
}
