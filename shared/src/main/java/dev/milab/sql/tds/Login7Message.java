package dev.milab.sql.tds;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * LOGIN7 (MS-TDS 2.2.6.4): the client's login record. A 36-byte fixed part (length, TDS version, packet size,
 * client program version, process id, connection id, option flags, time zone, LCID), a 58-byte table of
 * (offset, length) pairs, then the variable data: host, user, obfuscated password, application, server name,
 * extension pointer, library, language, database, and the FeatureExt block (FEDAUTH among others).
 *
 * <p>Decode only: the lab never sends a LOGIN7. {@link #toString()} never shows the password.
 */
public record Login7Message(int tdsVersion, int packetSize, int clientProgramVersion, int clientProcessId,
                            int optionFlags1, int optionFlags2, int typeFlags, int optionFlags3, String hostName,
                            String userName, String password, String applicationName, String serverName,
                            String libraryName, String language, String database,
                            List<FeatureExtension> features) {

    /** TDS 7.4, as mssql-jdbc sends it for {@code encrypt=true}. */
    public static final int TDS_7_4 = 0x74000004;
    /** TDS 8.0, as mssql-jdbc sends it for {@code encrypt=strict}. */
    public static final int TDS_8_0 = 0x08000000;
    /** OptionFlags3 fExtension: ibExtension points at the FeatureExt block. */
    public static final int OPTION3_EXTENSION = 0x10;
    /** MS-TDS: names are at most 128 characters. */
    public static final int MAX_NAME_CHARS = 128;
    public static final int FIXED_LENGTH = 94;
    /** LOGIN7 is at most 128 KB (MS-TDS 2.2.6.4: Length). */
    public static final int MAX_LENGTH = 128 * 1024;

    public Login7Message {
        features = List.copyOf(features);
    }

    public Optional<FeatureExtension> feature(int featureId) {
        return features.stream().filter(f -> f.featureId() == featureId).findFirst();
    }

    /** The FEDAUTH feature, decoded, if the client asked for token login. */
    public Optional<FedAuthFeature> fedAuth() throws TdsProtocolException {
        Optional<FeatureExtension> f = feature(FeatureExtension.FEDAUTH);
        return f.isPresent() ? Optional.of(FedAuthFeature.decode(f.get().data())) : Optional.empty();
    }

    public static Login7Message decode(byte[] payload) throws TdsProtocolException {
        TdsReader r = new TdsReader(payload);
        int length = r.int32();
        if (length < FIXED_LENGTH || length > MAX_LENGTH || length != payload.length) {
            throw new TdsProtocolException("LOGIN7 length " + length + " does not match its " + payload.length
                + "-byte message");
        }
        int tdsVersion = r.int32();
        int packetSize = r.int32();
        int clientProgramVersion = r.int32();
        int clientProcessId = r.int32();
        r.int32(); // ConnectionID
        int optionFlags1 = r.uint8();
        int optionFlags2 = r.uint8();
        int typeFlags = r.uint8();
        int optionFlags3 = r.uint8();
        r.int32(); // ClientTimeZone
        r.int32(); // ClientLCID
        String hostName = string(payload, r, "HostName");
        String userName = string(payload, r, "UserName");
        String password = password(payload, r);
        String applicationName = string(payload, r, "AppName");
        String serverName = string(payload, r, "ServerName");
        int extensionOffset = r.uint16();
        int extensionLength = r.uint16();
        String libraryName = string(payload, r, "CltIntName");
        String language = string(payload, r, "Language");
        String database = string(payload, r, "Database");
        r.skip(6); // ClientID (MAC address)
        r.skip(4); // ibSSPI, cbSSPI: integrated auth, not in Azure SQL with Entra tokens
        r.skip(4); // ibAtchDBFile, cchAtchDBFile
        r.skip(4); // ibChangePassword, cchChangePassword
        r.skip(4); // cbSSPILong
        List<FeatureExtension> features = List.of();
        if ((optionFlags3 & OPTION3_EXTENSION) != 0 && extensionLength > 0) {
            if (extensionLength != 4) {
                throw new TdsProtocolException("LOGIN7 extension pointer must be 4 bytes, was " + extensionLength);
            }
            int featureOffset = r.slice(extensionOffset, 4, "LOGIN7 extension pointer").int32();
            features = features(payload, featureOffset);
        }
        return new Login7Message(tdsVersion, packetSize, clientProgramVersion, clientProcessId, optionFlags1,
            optionFlags2, typeFlags, optionFlags3, hostName, userName, password, applicationName, serverName,
            libraryName, language, database, features);
    }

    private static String string(byte[] payload, TdsReader table, String field) throws TdsProtocolException {
        int offset = table.uint16();
        int chars = table.uint16();
        if (chars > MAX_NAME_CHARS) {
            throw new TdsProtocolException("LOGIN7 " + field + " is longer than 128 characters");
        }
        return new TdsReader(payload).slice(offset, chars * 2, "LOGIN7 " + field).ucs2(chars);
    }

    /** MS-TDS 2.2.6.4: each byte of the password was nibble-swapped, then XORed with 0xA5. */
    private static String password(byte[] payload, TdsReader table) throws TdsProtocolException {
        int offset = table.uint16();
        int chars = table.uint16();
        if (chars > MAX_NAME_CHARS) {
            throw new TdsProtocolException("LOGIN7 Password is longer than 128 characters");
        }
        byte[] bytes = new TdsReader(payload).slice(offset, chars * 2, "LOGIN7 Password").bytes(chars * 2);
        for (int i = 0; i < bytes.length; i++) {
            int x = (bytes[i] & 0xFF) ^ 0xA5;
            bytes[i] = (byte) (((x & 0x0F) << 4) | ((x & 0xF0) >>> 4));
        }
        return new TdsReader(bytes).ucs2(chars);
    }

    private static List<FeatureExtension> features(byte[] payload, int offset) throws TdsProtocolException {
        if (offset < FIXED_LENGTH || offset >= payload.length) {
            throw new TdsProtocolException("LOGIN7 FeatureExt offset " + offset + " is outside the message");
        }
        TdsReader r = new TdsReader(payload).slice(offset, payload.length - offset, "LOGIN7 FeatureExt");
        List<FeatureExtension> features = new ArrayList<>();
        while (true) {
            int id = r.uint8();
            if (id == FeatureExtension.TERMINATOR) {
                return features;
            }
            if (features.size() >= 32) {
                throw new TdsProtocolException("LOGIN7 has more than 32 features");
            }
            int length = r.int32();
            if (length < 0) {
                throw new TdsProtocolException("LOGIN7 feature length is negative");
            }
            features.add(new FeatureExtension(id, r.bytes(length)));
        }
    }

    @Override
    public String toString() {
        return "Login7Message[tdsVersion=" + Integer.toHexString(tdsVersion) + ", packetSize=" + packetSize
            + ", host=" + hostName + ", user=" + userName + ", password=<" + password.length() + " chars>, app="
            + applicationName + ", server=" + serverName + ", library=" + libraryName + ", database=" + database
            + ", features=" + features + "]";
    }
}
