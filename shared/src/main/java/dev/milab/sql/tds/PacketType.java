package dev.milab.sql.tds;

/** The packet types of MS-TDS 2.2.3.1.1 that this server reads or writes. */
public final class PacketType {

    /** SQL batch (client). */
    public static final int SQL_BATCH = 0x01;
    /** Remote procedure call (client): sp_executesql, sp_prepexec, sp_execute, … */
    public static final int RPC = 0x03;
    /** Tabular result: every server message. */
    public static final int TABULAR_RESULT = 0x04;
    /** Attention signal (client cancels the running request). */
    public static final int ATTENTION = 0x06;
    /** Federated authentication token (client, after FEDAUTHINFO). */
    public static final int FEDAUTH_TOKEN = 0x08;
    /** Transaction manager request (client). */
    public static final int TRANSACTION_MANAGER = 0x0E;
    /** LOGIN7 (client). */
    public static final int LOGIN7 = 0x10;
    /** SSPI (client, integrated auth: never in Azure SQL with tokens). */
    public static final int SSPI = 0x11;
    /** PRELOGIN, and the TLS handshake it carries in TDS 7.x. */
    public static final int PRELOGIN = 0x12;

    private PacketType() {
    }

    public static String name(int type) {
        return switch (type) {
            case SQL_BATCH -> "SQL batch";
            case RPC -> "RPC";
            case TABULAR_RESULT -> "tabular result";
            case ATTENTION -> "attention";
            case FEDAUTH_TOKEN -> "federated authentication token";
            case TRANSACTION_MANAGER -> "transaction manager request";
            case LOGIN7 -> "LOGIN7";
            case SSPI -> "SSPI";
            case PRELOGIN -> "PRELOGIN";
            default -> String.format("unknown (0x%02X)", type);
        };
    }
}
