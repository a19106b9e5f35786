package dev.milab.sql.tds;

import java.util.ArrayList;
import java.util.List;

/**
 * RPC request (MS-TDS 2.2.6.6, packet type 0x03): ALL_HEADERS, then one or more calls separated by a batch flag
 * (0xFF; 0x80 in older clients). A call names its procedure by a well-known id ({@code 0xFFFF} then ProcID) or
 * by name (US_VARCHAR), has option flags, then parameters: name (B_VARCHAR, empty when positional), status flags
 * (0x01 output), TYPE_INFO and the value ({@link TdsValues}).
 */
public record RpcRequestMessage(List<Call> calls) {

    public static final int SP_CURSOROPEN = 2;
    public static final int SP_CURSORPREPEXEC = 5;
    public static final int SP_CURSOREXECUTE = 4;
    public static final int SP_CURSORFETCH = 7;
    public static final int SP_CURSORCLOSE = 9;
    public static final int SP_EXECUTESQL = 10;
    public static final int SP_PREPARE = 11;
    public static final int SP_EXECUTE = 12;
    public static final int SP_PREPEXEC = 13;
    public static final int SP_UNPREPARE = 15;

    /** More calls than any client batches: mssql-jdbc sends one RPC per batched parameter set. */
    public static final int MAX_CALLS = 100_000;
    /** SQL Server's limit on parameters per call. */
    public static final int MAX_PARAMETERS = 2100;
    /** A four-part name of sysnames, brackets and dots. */
    static final int MAX_PROC_NAME_CHARS = 4 * 130 + 3;
    private static final int BATCH_FLAG = 0xFF;
    private static final int NO_EXEC_FLAG = 0x80;
    private static final int PROC_ID_SWITCH = 0xFFFF;
    private static final int STATUS_BY_REFERENCE = 0x01;

    /** One call: a procedure id, or a name when the client named the procedure (then {@code procId} is -1). */
    public record Call(int procId, String procName, int options, List<Parameter> parameters) {
        public Call {
            parameters = List.copyOf(parameters);
        }

        /** The well-known procedure's name ({@code sp_executesql}), or the name the client sent. */
        public String displayName() {
            return switch (procId) {
                case SP_EXECUTESQL -> "sp_executesql";
                case SP_PREPARE -> "sp_prepare";
                case SP_EXECUTE -> "sp_execute";
                case SP_PREPEXEC -> "sp_prepexec";
                case SP_UNPREPARE -> "sp_unprepare";
                case -1 -> procName;
                default -> "procedure id " + procId;
            };
        }
    }

    /** A parameter: its name (with {@code @}, or empty), whether it is an output parameter, type and value. */
    public record Parameter(String name, boolean output, TypeInfo type, Object value) {
    }

    public static RpcRequestMessage decode(byte[] payload) throws TdsProtocolException {
        int start = AllHeaders.skip(payload);
        TdsReader r = new TdsReader(payload).slice(start, payload.length - start, "RPC calls");
        List<Call> calls = new ArrayList<>();
        do {
            if (calls.size() >= MAX_CALLS) {
                throw new TdsProtocolException("More than " + MAX_CALLS + " calls in one RPC request");
            }
            calls.add(call(r));
        } while (r.remaining() > 0);
        return new RpcRequestMessage(calls);
    }

    private static Call call(TdsReader r) throws TdsProtocolException {
        int nameLength = r.uint16();
        int procId = -1;
        String procName = null;
        if (nameLength == PROC_ID_SWITCH) {
            procId = r.uint16();
        } else {
            if (nameLength == 0 || nameLength > MAX_PROC_NAME_CHARS) {
                throw new TdsProtocolException("A procedure name of " + nameLength + " characters");
            }
            procName = r.ucs2(nameLength);
        }
        int options = r.uint16();
        List<Parameter> parameters = new ArrayList<>();
        while (r.remaining() > 0) {
            int next = r.uint8();
            if (next == BATCH_FLAG || next == NO_EXEC_FLAG) {
                if (r.remaining() == 0) {
                    throw new TdsProtocolException("A batch flag at the end of the RPC request");
                }
                break;
            }
            if (parameters.size() >= MAX_PARAMETERS) {
                throw new TdsProtocolException("More than " + MAX_PARAMETERS + " parameters in one call");
            }
            String name = r.ucs2(next);
            int status = r.uint8();
            TypeInfo type = TypeInfo.decode(r);
            parameters.add(new Parameter(name, (status & STATUS_BY_REFERENCE) != 0, type, TdsValues.read(r, type)));
        }
        return new Call(procId, procName, options, parameters);
    }
}
