package dev.milab.sql.tds;

/** RETURNSTATUS (MS-TDS 2.2.7.18, token 0x79): the status value of an RPC, which every RPC returns. */
public record ReturnStatusToken(int value) implements ServerToken {

    public static final int TYPE = 0x79;

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        w.uint8(TYPE).int32(value);
    }
}
