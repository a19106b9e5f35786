package dev.milab.sql.tds;

/**
 * One entry of LOGIN7's FeatureExt block (MS-TDS 2.2.6.4): a feature id and its data. Known ids: 0x01 session
 * recovery, 0x02 FEDAUTH, 0x04 column encryption, 0x09 data classification, 0x0A UTF-8, 0x0B Azure SQL DNS caching.
 */
public record FeatureExtension(int featureId, byte[] data) {

    public static final int SESSION_RECOVERY = 0x01;
    public static final int FEDAUTH = 0x02;
    public static final int TERMINATOR = 0xFF;

    @Override
    public String toString() {
        return String.format("FeatureExtension[0x%02X, %d bytes]", featureId, data.length);
    }
}
