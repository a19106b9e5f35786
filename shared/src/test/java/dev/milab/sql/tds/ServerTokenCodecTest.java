package dev.milab.sql.tds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

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

    @Test
    void colMetadataCarriesEachTypesTypeInfo() {
        ColMetadataToken t = new ColMetadataToken(List.of(
            new ColMetadataToken.Column("d", TypeInfo.decimalN(10, 2), ColMetadataToken.FLAG_NULLABLE),
            new ColMetadataToken.Column("n", TypeInfo.nvarchar(-1), 0),
            new ColMetadataToken.Column("o", TypeInfo.datetimeOffset(7), ColMetadataToken.FLAG_NULLABLE)));
        assertThat(hex(t)).isEqualTo("81" + "0300"
            + "00000000" + "0100" + "6a" + "09" + "0a" + "02" + "01" + "6400"
            + "00000000" + "0000" + "e7" + "ffff" + "0904d00034" + "01" + "6e00"
            + "00000000" + "0100" + "2b" + "07" + "01" + "6f00");
    }

    @Test
    void rowValuesFollowTheirTypes() {
        List<ColMetadataToken.Column> columns = List.of(
            new ColMetadataToken.Column("i", TypeInfo.intN(4), 0),
            new ColMetadataToken.Column("d", TypeInfo.decimalN(10, 2), 0),
            new ColMetadataToken.Column("g", TypeInfo.guid(), 0),
            new ColMetadataToken.Column("t", TypeInfo.date(), 0),
            new ColMetadataToken.Column("s", TypeInfo.nvarchar(-1), 0));
        RowToken row = new RowToken(columns, List.of(1, new BigDecimal("-12.34"),
            UUID.fromString("6f9619ff-8b86-d011-b42d-00c04fc964ff"), LocalDate.of(1, 1, 2), "é"));
        assertThat(hex(row)).isEqualTo("d1" + "04" + "01000000"
            + "09" + "00" + "d204000000000000"
            + "10" + "ff19966f" + "868b" + "11d0" + "b42d00c04fc964ff"
            + "03" + "010000"
            + "0200000000000000" + "02000000" + "e900" + "00000000");
    }

    @Test
    void aRowWithNullsIsAnNbcRowThatLeavesThemOutAndMarksThemInTheBitmap() {
        List<ColMetadataToken.Column> columns = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            columns.add(new ColMetadataToken.Column("c" + i, TypeInfo.intN(1), 0));
        }
        Object[] values = new Object[9];
        values[1] = (short) 7;
        values[8] = (short) 255;
        assertThat(hex(new RowToken(columns, Arrays.asList(values)))).isEqualTo("d2" + "fd" + "00"
            + "0107" + "01ff");
    }

    @Test
    void anRpcAnswerHasItsStatusAndOutputHandle() {
        assertThat(hex(new ReturnStatusToken(0))).isEqualTo("79" + "00000000");
        assertThat(hex(new ReturnValueToken(0, "", TypeInfo.intN(4), 3)))
            .isEqualTo("ac" + "0000" + "00" + "01" + "00000000" + "0100" + "26" + "04" + "04" + "03000000");
        assertThat(hex(new DoneToken(DoneToken.DONEINPROC, DoneToken.MORE | DoneToken.COUNT,
            DoneToken.COMMAND_INSERT, 2))).isEqualTo("ff" + "1100" + "c300" + "0200000000000000");
    }

    @Test
    void transactionEnvChangesCarryTheDescriptor() {
        byte[] d = {1, 0, 0, 0, 0, 0, 0, 0};
        assertThat(hex(EnvChangeToken.transaction(EnvChangeToken.BEGIN_TRANSACTION, d)))
            .isEqualTo("e30b00" + "08" + "08" + "0100000000000000" + "00");
        assertThat(hex(EnvChangeToken.transaction(EnvChangeToken.COMMIT_TRANSACTION, d)))
            .isEqualTo("e30b00" + "09" + "00" + "08" + "0100000000000000");
    }

    @Test
    void valuesReadBackAsTheyWereWritten() throws Exception {
        Object[][] cases = {
            {TypeInfo.intN(1), (short) 200}, {TypeInfo.intN(2), (short) -3}, {TypeInfo.intN(8), Long.MIN_VALUE},
            {TypeInfo.bitN(), true}, {TypeInfo.fltN(4), 1.25f}, {TypeInfo.fltN(8), -0.1},
            {TypeInfo.decimalN(38, 10), new BigDecimal("-1234567890123456789012345678.0123456789")},
            {TypeInfo.nvarchar(10), "Zoë"}, {TypeInfo.nvarchar(-1), "x".repeat(9000)}, {TypeInfo.nchar(3), "abc"},
            {TypeInfo.varbinary(-1), new byte[10_000]}, {TypeInfo.binary(2), new byte[] {1, 2}},
            {TypeInfo.date(), LocalDate.of(9999, 12, 31)}, {TypeInfo.time(3), LocalTime.of(1, 2, 3, 4_000_000)},
            {TypeInfo.datetime2(7), LocalDateTime.of(1, 1, 1, 0, 0, 0, 100)},
            {TypeInfo.datetimeOffset(7), OffsetDateTime.parse("2024-12-31T23:30:00.1234567-08:00")},
            {TypeInfo.guid(), UUID.randomUUID()}};
        for (Object[] c : cases) {
            TypeInfo type = (TypeInfo) c[0];
            for (Object value : new Object[] {c[1], null}) {
                TdsWriter w = new TdsWriter();
                type.encode(w);
                TdsValues.write(w, type, value);
                TdsReader r = new TdsReader(w.toByteArray());
                TypeInfo read = TypeInfo.decode(r);
                assertThat(read).as("%s", type).isEqualTo(type);
                assertThat(TdsValues.read(r, read)).as("%s", type).isEqualTo(value);
                assertThat(r.remaining()).isZero();
            }
        }
    }

    @Test
    void aResponseStreamsAsFullPacketsAndALastOneMarkedEndOfMessage() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TdsResponseWriter writer = new TdsResponseWriter(out, 512, 55);
        for (int i = 0; i < 100; i++) {
            writer.token(new DoneToken(DoneToken.MORE, 0, i));
        }
        writer.endMessage();
        byte[] packets = out.toByteArray();
        assertThat(packets).hasSize(100 * 13 + 3 * 8);
        assertThat(packets[1]).isZero();
        assertThat(((packets[2] & 0xFF) << 8) | (packets[3] & 0xFF)).isEqualTo(512);
        assertThat(packets[4] << 8 | packets[5]).isEqualTo(55);
        assertThat(packets[packets.length - (100 * 13 - 2 * 504) - 8 + 1]).isEqualTo((byte) 1);
    }
}
