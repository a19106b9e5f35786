package dev.milab.sql.tds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The codec reads what real mssql-jdbc 13.6.2 sends (hex captures recorded by CaptureClientMessages). */
class ClientMessageCodecTest {

    @Test
    void preloginOfATokenLoginAsksForEncryptionAndAnnouncesFedAuth() throws Exception {
        TdsMessage m = Captures.load("prelogin-fedauth");
        assertThat(m.type()).isEqualTo(PacketType.PRELOGIN);
        PreLoginMessage p = PreLoginMessage.decode(m.payload());
        assertThat(p.encryption()).contains(PreLoginMessage.ENCRYPT_ON);
        assertThat(p.fedAuthRequired()).isTrue();
        assertThat(p.option(PreLoginMessage.VERSION).orElseThrow()).startsWith(13, 6);
        assertThat(p.option(PreLoginMessage.TRACEID).orElseThrow()).hasSize(36);
    }

    @Test
    void preloginInStrictModeSaysEncryptionIsNotSupportedBecauseTlsIsAlreadyOn() throws Exception {
        PreLoginMessage p = PreLoginMessage.decode(Captures.load("prelogin-strict-fedauth").payload());
        assertThat(p.encryption()).contains(PreLoginMessage.ENCRYPT_NOT_SUP);
        assertThat(p.fedAuthRequired()).isTrue();
    }

    @Test
    void preloginOfASqlLoginHasNoFedAuthOption() throws Exception {
        PreLoginMessage p = PreLoginMessage.decode(Captures.load("prelogin-sqlauth").payload());
        assertThat(p.option(PreLoginMessage.FEDAUTHREQUIRED)).isEmpty();
        assertThat(p.fedAuthRequired()).isFalse();
    }

    @Test
    void preloginEncodesBackToTheSameBytes() throws Exception {
        byte[] bytes = Captures.load("prelogin-fedauth").payload();
        assertThat(PreLoginMessage.decode(bytes).encode()).isEqualTo(bytes);
    }

    @Test
    void login7WithATokenCallbackAsksForTheMsalWorkflow() throws Exception {
        Login7Message login = Login7Message.decode(Captures.load("login7-msal").payload());
        assertThat(login.tdsVersion()).isEqualTo(Login7Message.TDS_7_4);
        assertThat(login.packetSize()).isEqualTo(8000);
        assertThat(login.serverName()).isEqualTo("127.0.0.1\\sql1");
        assertThat(login.database()).isEqualTo("db1");
        assertThat(login.userName()).isEmpty();
        assertThat(login.password()).isEmpty();
        assertThat(login.libraryName()).isEqualTo("Microsoft JDBC Driver 13.6");
        FedAuthFeature fedAuth = login.fedAuth().orElseThrow();
        assertThat(fedAuth.library()).isEqualTo(FedAuthFeature.LIBRARY_MSAL);
        assertThat(fedAuth.echo()).isTrue();
        assertThat(fedAuth.workflow()).isEqualTo(FedAuthFeature.WORKFLOW_MANAGED_IDENTITY);
        assertThat(fedAuth.token()).isNull();
    }

    @Test
    void login7WithAStaticTokenCarriesItInTheSecurityTokenLibrary() throws Exception {
        Login7Message login = Login7Message.decode(Captures.load("login7-securitytoken").payload());
        assertThat(login.tdsVersion()).isEqualTo(Login7Message.TDS_8_0);
        FedAuthFeature fedAuth = login.fedAuth().orElseThrow();
        assertThat(fedAuth.library()).isEqualTo(FedAuthFeature.LIBRARY_SECURITY_TOKEN);
        assertThat(fedAuth.token()).startsWith("eyJ").contains(".");
        assertThat(fedAuth.toString()).doesNotContain(fedAuth.token());
    }

    @Test
    void login7WithSqlAuthenticationCarriesTheUserAndTheObfuscatedPassword() throws Exception {
        Login7Message login = Login7Message.decode(Captures.load("login7-sqlauth").payload());
        assertThat(login.userName()).isEqualTo("sqladmin");
        assertThat(login.password()).isEqualTo("Adm1n-Passw0rd!");
        assertThat(login.fedAuth()).isEmpty();
        assertThat(login.toString()).doesNotContain("Adm1n");
    }

    @Test
    void theFedAuthTokenMessageCarriesTheJwt() throws Exception {
        FedAuthTokenMessage m = FedAuthTokenMessage.decode(Captures.load("fedauth-token").payload());
        assertThat(m.token()).startsWith("eyJ");
        assertThat(new FedAuthTokenMessage(m.token()).encode()).isEqualTo(Captures.load("fedauth-token").payload());
    }

    @Test
    void aSqlBatchIsAllHeadersThenText() throws Exception {
        assertThat(SqlBatchMessage.decode(Captures.load("sqlbatch-whoami").payload()).text())
            .isEqualTo("SELECT SUSER_SNAME(), USER_NAME()");
        assertThat(SqlBatchMessage.decode(Captures.load("sqlbatch-select1").payload()).text()).isEqualTo("SELECT 1");
    }

    @Test
    void setAutoCommitFalseIsABatchTheDriverWrites() throws Exception {
        assertThat(SqlBatchMessage.decode(Captures.load("sqlbatch-implicit-transactions").payload()).text())
            .isEqualTo("set implicit_transactions on ");
    }

    @Test
    void theFirstExecutionIsSpExecuteSqlWithTheStatementDeclarationsAndEveryTypeOfValue() throws Exception {
        List<RpcRequestMessage.Call> calls = RpcRequestMessage.decode(Captures.load("rpc-executesql").payload())
            .calls();
        assertThat(calls).hasSize(1);
        RpcRequestMessage.Call call = calls.get(0);
        assertThat(call.procId()).isEqualTo(RpcRequestMessage.SP_EXECUTESQL);
        List<RpcRequestMessage.Parameter> p = call.parameters();
        assertThat(p).hasSize(15);
        assertThat(p.get(0).value()).isEqualTo("INSERT INTO dbo.Captured VALUES (@P0, @P1, @P2, @P3, @P4, @P5, "
            + "@P6, @P7, @P8, @P9, @P10, @P11, @P12)");
        assertThat((String) p.get(1).value()).startsWith("@P0 int,@P1 int,@P2 bigint,@P3 nvarchar(4000)");
        assertThat(p.subList(2, 15)).extracting(RpcRequestMessage.Parameter::value).containsExactly(1, -1,
            1L << 40, "Zoë 1", new BigDecimal("-12.34"), Math.E, false,
            LocalDateTime.of(2025, 1, 2, 3, 4, 5, 600_000_000),
            OffsetDateTime.parse("2025-01-02T03:04:05.123+01:00"),
            UUID.fromString("6f9619ff-8b86-d011-b42d-00c04fc964ff"), new byte[] {1, 2, 3}, LocalDate.of(2025, 1, 2),
            LocalDateTime.of(1970, 1, 1, 10, 11, 12));
        assertThat(p.get(3).type().type()).isEqualTo(TypeInfo.INTN);
        assertThat(p.get(9).type().type()).isEqualTo(TypeInfo.DATETIME2N);
        assertThat(p.get(10).type().type()).isEqualTo(TypeInfo.DATETIMEOFFSETN);
        assertThat(p.get(12).type().type()).isEqualTo(TypeInfo.BIGVARBINARY);
        assertThat(p.get(5).type().maxLength()).as("nvarchar(4000)").isEqualTo(8000);
        assertThat(p.get(14).type().type()).as("a LocalTime goes as datetime by default")
            .isEqualTo(TypeInfo.DATETIMN);
    }

    @Test
    void theSecondExecutionPreparesWithAnOutputHandleAndTheThirdExecutesIt() throws Exception {
        RpcRequestMessage.Call prepexec = RpcRequestMessage.decode(Captures.load("rpc-prepexec").payload()).calls()
            .get(0);
        assertThat(prepexec.displayName()).isEqualTo("sp_prepexec");
        assertThat(prepexec.parameters().get(0).output()).isTrue();
        assertThat(prepexec.parameters().get(0).value()).as("no handle to replace yet").isEqualTo(0);
        assertThat((String) prepexec.parameters().get(2).value()).startsWith("INSERT INTO dbo.Captured");
        assertThat(prepexec.parameters().get(6).value()).isEqualTo("Zoë 2");

        RpcRequestMessage.Call execute = RpcRequestMessage.decode(Captures.load("rpc-execute").payload()).calls()
            .get(0);
        assertThat(execute.displayName()).isEqualTo("sp_execute");
        assertThat(execute.parameters().get(0).value()).isEqualTo(1);
        assertThat(execute.parameters()).hasSize(14);
    }

    @Test
    void aBatchOfParameterSetsIsOneRpcRequestWithACallPerSet() throws Exception {
        List<RpcRequestMessage.Call> calls = RpcRequestMessage.decode(Captures.load("rpc-batch").payload()).calls();
        // the third set has NULLs, so other parameter types: the driver prepares it again
        assertThat(calls).extracting(RpcRequestMessage.Call::displayName).containsExactly("sp_execute",
            "sp_execute", "sp_prepexec");
        assertThat(calls).extracting(c -> c.parameters().get(c.parameters().size() - 13).value())
            .containsExactly(4, 5, 6);
    }

    @Test
    void aTruncatedRpcRequestHasFewerParametersOrIsAProtocolErrorNeverACrash() {
        byte[] bytes = Captures.load("rpc-executesql").payload();
        int refused = 0;
        for (int cut = 0; cut < bytes.length; cut++) {
            try {
                RpcRequestMessage m = RpcRequestMessage.decode(Arrays.copyOf(bytes, cut));
                assertThat(m.calls().get(0).parameters().size()).isLessThan(15);
            } catch (TdsProtocolException e) {
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(bytes.length * 9 / 10);
    }

    @Test
    void aTruncatedLogin7IsAProtocolErrorNotACrash() {
        byte[] bytes = Captures.load("login7-msal").payload();
        for (int cut : new int[] {0, 3, 40, 93, bytes.length - 1}) {
            assertThatThrownBy(() -> Login7Message.decode(Arrays.copyOf(bytes, cut)))
                .isInstanceOf(TdsProtocolException.class);
        }
    }

    @Test
    void aPreloginOptionPointingOutsideTheMessageIsRefused() {
        byte[] bytes = Captures.load("prelogin-sqlauth").payload().clone();
        bytes[1] = 0x7F; // VERSION's offset, big-endian high byte
        assertThatThrownBy(() -> PreLoginMessage.decode(bytes)).isInstanceOf(TdsProtocolException.class)
            .hasMessageContaining("outside");
    }

    @Test
    void packetsJoinIntoAMessageAndAForeignPacketTypeInsideIsRefused() throws Exception {
        byte[] payload = Captures.load("login7-sqlauth").payload();
        byte[] packets = new TdsMessage(PacketType.LOGIN7, payload).toPackets(512, 0);
        MessageAssembler assembler = new MessageAssembler(64 * 1024);
        int offset = 0;
        TdsMessage joined = null;
        while (offset < packets.length) {
            PacketHeader h = PacketHeader.decode(Arrays.copyOfRange(packets, offset, offset + 8), 32767);
            joined = assembler.add(h, Arrays.copyOfRange(packets, offset + 8, offset + h.length())).orElse(null);
            offset += h.length();
        }
        assertThat(joined).isNotNull();
        assertThat(joined.payload()).isEqualTo(payload);

        MessageAssembler mixed = new MessageAssembler(64 * 1024);
        mixed.add(new PacketHeader(PacketType.LOGIN7, 0, 9, 0, 1, 0), new byte[1]);
        assertThatThrownBy(() -> mixed.add(new PacketHeader(PacketType.SQL_BATCH, 1, 9, 0, 2, 0), new byte[1]))
            .isInstanceOf(TdsProtocolException.class);
    }

    @Test
    void anOversizedMessageIsRefusedBeforeItIsBuffered() {
        MessageAssembler small = new MessageAssembler(100);
        assertThatThrownBy(() -> small.add(new PacketHeader(PacketType.LOGIN7, 1, 208, 0, 1, 0), new byte[200]))
            .isInstanceOf(TdsProtocolException.class).hasMessageContaining("larger than 100");
        assertThatThrownBy(() -> PacketHeader.decode(new byte[] {0x10, 1, 0x7F, (byte) 0xFF, 0, 0, 1, 0}, 4096))
            .isInstanceOf(TdsProtocolException.class);
    }
}
