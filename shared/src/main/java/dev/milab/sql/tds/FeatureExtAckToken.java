package dev.milab.sql.tds;

import java.util.List;

/**
 * FEATUREEXTACK (MS-TDS 2.2.7.11, token 0xAE): the features of LOGIN7 the server accepts, each with its data,
 * then 0xFF. For FEDAUTH with library SECURITYTOKEN or MSAL the data is empty.
 */
public record FeatureExtAckToken(List<FeatureExtension> features) implements ServerToken {

    public static final int TYPE = 0xAE;

    public FeatureExtAckToken {
        features = List.copyOf(features);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public void encode(TdsWriter w) {
        w.uint8(TYPE);
        for (FeatureExtension f : features) {
            w.uint8(f.featureId()).int32(f.data().length).bytes(f.data());
        }
        w.uint8(FeatureExtension.TERMINATOR);
    }
}
