package dev.milab.sql.tds;

/**
 * RETURNVALUE (MS-TDS 2.2.7.19, token 0xAC): an output parameter of an RPC, such as the handle
 * {@code sp_prepexec} and {@code sp_prepare} return. ParamOrdinal (USHORT), ParamName (B_VARCHAR), Status (0x01
 * output parameter), UserType (ULONG), Flags (USHORT), TYPE_INFO, then the value.
 */
public record ReturnValueToken(int ordinal, String name, TypeInfo valueType, Object value) implements ServerToken {

    public static final int TYPE = 0xAC;
    static final int STATUS_OUTPUT = 0x01;

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        w.uint8(TYPE).uint16(ordinal).bVarchar(name).uint8(STATUS_OUTPUT).int32(0)
            .uint16(ColMetadataToken.FLAG_NULLABLE);
        valueType.encode(w);
        TdsValues.write(w, valueType, value);
    }
}
