package dev.milab.sql.tds;

import java.util.List;

/**
 * A token of the server's tabular-result stream (MS-TDS 2.2.7 "Data Stream Tokens"): a type byte, then its data.
 * Each implementation names its MS-TDS section.
 */
public sealed interface ServerToken permits LoginAckToken, EnvChangeToken, MessageToken, DoneToken,
    FeatureExtAckToken, FedAuthInfoToken, ColMetadataToken, RowToken, ReturnStatusToken, ReturnValueToken {

    /** The token's type byte. */
    int type();

    /** Writes the type byte and the token's data. */
    void encode(TdsWriter w);

    /** The tokens one after another: the payload of a tabular-result message. */
    static byte[] encodeAll(List<? extends ServerToken> tokens) {
        TdsWriter w = new TdsWriter();
        tokens.forEach(t -> t.encode(w));
        return w.toByteArray();
    }
}
