package dev.milab.sql.tds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Server tokens encode to MS-TDS's layouts, byte for byte. */
class ServerTokenCodecTest {

    private static String hex(ServerToken token) {
        return HexFormat.of().formatHex(ServerToken.encodeAll(List.of(token)));
    }

    @Test
    void loginAckNamesTdsSevenFourAndSqlServerTwelve() {
        assertThat(hex(new LoginAckToken(Login7Message.TDS_7_4, "Microsoft SQL Server", 12, 0, 2000)))
            .isEqualTo("ad3200" + "01" + "74000004" + "14" + HexFormat.of().formatHex(
                "Microsoft SQL Server".getBytes(java.nio.charset.StandardCharsets.UTF_16LE)) + "0c0007d0");
    }

    @Test
    void collationEnvChangeCarriesSqlLatin1GeneralCp1CiAs() {
        assertThat(hex(EnvChangeToken.collation(Collation.SQL_LATIN1_GENERAL_CP1_CI_AS)))
            .isEqualTo("e30800" + "07" + "05" + "0904d00034" + "00");
    }

    @Test
    void doneIsStatusCommandAndA64BitCount() {
        assertThat(hex(new DoneToken(DoneToken.COUNT, DoneToken.COMMAND_SELECT, 1)))
            .isEqualTo("fd" + "1000" + "c100" + "0100000000000000");
    }

    @Test
    void fedAuthInfoOffsetsCountFromTheIdCount() {
        byte[] bytes = ServerToken.encodeAll(List.of(new FedAuthInfoToken("a", "b")));
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("ee" + "1a000000" + "02000000"
            + "01" + "02000000" + "16000000" + "02" + "02000000" + "18000000" + "6100" + "6200");
    }

    @Test
    void featureExtAckForFedAuthHasNoData() {
        assertThat(hex(new FeatureExtAckToken(List.of(new FeatureExtension(FeatureExtension.FEDAUTH, new byte[0])))))
            .isEqualTo("ae" + "02" + "00000000" + "ff");
    }

    @Test
    void errorTokenLayout() {
        assertThat(hex(MessageToken.error(18456, 1, 14, "x", "s")))
            .isEqualTo("aa" + "1200" + "18480000" + "01" + "0e" + "0100" + "7800" + "01" + "7300" + "00"
                + "01000000");
    }

    @Test
    void serverPreloginEchoesFedAuthRequired() throws Exception {
        PreLoginMessage p = PreLoginMessage.decode(PreLoginMessage.serverResponse(12, 0, 2000,
            PreLoginMessage.ENCRYPT_ON, true).encode());
        assertThat(p.fedAuthRequired()).isTrue();
        assertThat(p.encryption()).contains(PreLoginMessage.ENCRYPT_ON);
        assertThat(p.option(PreLoginMessage.VERSION).orElseThrow()).containsExactly(12, 0, 7, 0xD0, 0, 0);
    }
}
