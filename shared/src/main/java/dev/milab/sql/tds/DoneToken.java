package dev.milab.sql.tds;

/**
 * DONE (MS-TDS 2.2.7.6, token 0xFD), DONEPROC (2.2.7.7, 0xFE) and DONEINPROC (2.2.7.8, 0xFF), which share one
 * layout: the end of a statement, of a stored procedure (an RPC), or of a statement inside one. Status bits: 0x01
 * more results follow, 0x02 error, 0x10 the row count is valid, 0x20 attention acknowledged. Then the current
 * command (0xC1 SELECT, 0xC3 INSERT, 0xC4 DELETE, 0xC5 UPDATE, 0xE0 EXECUTE, a DDL code) and a 64-bit row count.
 */
public record DoneToken(int type, int status, int currentCommand, long rowCount) implements ServerToken {

    public static final int DONE = 0xFD;
    public static final int DONEPROC = 0xFE;
    public static final int DONEINPROC = 0xFF;

    public static final int MORE = 0x01;
    public static final int ERROR = 0x02;
    public static final int COUNT = 0x10;
    public static final int ATTENTION = 0x20;

    public static final int COMMAND_SELECT = 0xC1;
    public static final int COMMAND_INSERT = 0xC3;
    public static final int COMMAND_DELETE = 0xC4;
    public static final int COMMAND_UPDATE = 0xC5;
    public static final int COMMAND_CREATE_TABLE = 0xC6;
    public static final int COMMAND_DROP_TABLE = 0xC7;
    public static final int COMMAND_CREATE_INDEX = 0xC8;
    public static final int COMMAND_DROP_INDEX = 0xC9;
    public static final int COMMAND_GRANT = 0xCD;
    public static final int COMMAND_REVOKE = 0xCE;
    public static final int COMMAND_CREATE_VIEW = 0xCF;
    public static final int COMMAND_DROP_VIEW = 0xD0;
    public static final int COMMAND_ALTER_TABLE = 0xD8;
    public static final int COMMAND_EXECUTE = 0xE0;
    public static final int COMMAND_DENY = 0x99;
    public static final int COMMAND_MERGE = 0x117;
    public static final int COMMAND_CREATE_SCHEMA = 0x14A;

    /** A DONE token (0xFD). */
    public DoneToken(int status, int currentCommand, long rowCount) {
        this(DONE, status, currentCommand, rowCount);
    }

    public static DoneToken done() {
        return new DoneToken(0, 0, 0);
    }

    @Override
    public void encode(TdsWriter w) {
        w.uint8(type).uint16(status).uint16(currentCommand).int64(rowCount);
    }
}
