package dev.milab.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * The lab's TLS: one CA, one server certificate naming Azure's hosts and loopback, and trust material that lets a
 * client verify the lab as it verifies Azure (chain and host name checked, nothing switched off). Handshakes go to
 * the gateway on 127.0.0.1 only; the host name is carried in SNI and checked against the certificate.
 */
class LabTlsTest {

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private static Lab lab;

    @BeforeAll
    static void startLab() {
        lab = SharedLab.get();
    }

    // ------------------------------------------------------------------------------------ the server certificate

    @Test
    void theServerCertificateNamesAzuresHostsAndLoopback() throws Exception {
        X509Certificate server = lab.tls().serverCertificate().certificate();

        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (List<?> name : server.getSubjectAlternativeNames()) {
            int type = (Integer) name.get(0);
            if (type == DNS_NAME) {
                dns.add((String) name.get(1));
            } else if (type == IP_ADDRESS) {
                ips.add((String) name.get(1));
            }
        }

        assertThat(dns).containsExactlyInAnyOrder("login.microsoftonline.com", "management.azure.com",
            "*.vault.azure.net", "*.database.windows.net", "graph.microsoft.com", "localhost");
        assertThat(ips).containsExactly("127.0.0.1");
        assertThat(server.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void theServerCertificateChainsToTheLabCa() throws Exception {
        X509Certificate server = lab.tls().serverCertificate().certificate();
        X509Certificate ca = lab.tls().certificateAuthority().certificate();

        assertThat(server.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        server.verify(ca.getPublicKey());
        server.checkValidity();
        assertThat(ca.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);

        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        pkix.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(server)), pkix);
    }

    // ------------------------------------------------------------------------------------------------ handshakes

    @ParameterizedTest
    @ValueSource(strings = {"kv1.vault.azure.net", "login.microsoftonline.com", "management.azure.com",
        "sql1.database.windows.net", "localhost", "127.0.0.1"})
    void aHandshakeWithHostNameVerificationSucceedsTrustingTheLabCa(String serverName) throws Exception {
        SSLSession session = handshake(lab.tls().clientContext(), serverName);

        X509Certificate[] chain = (X509Certificate[]) session.getPeerCertificates();
        assertThat(chain[0]).isEqualTo(lab.tls().serverCertificate().certificate());
        assertThat(chain[chain.length - 1]).isEqualTo(lab.tls().certificateAuthority().certificate());
        assertThat(session.getProtocol()).isIn("TLSv1.2", "TLSv1.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vault.azure.net", "a.b.vault.azure.net", "example.com", "graph.windows.net"})
    void aHandshakeForANameTheCertificateDoesNotCoverFails(String serverName) {
        assertThatThrownBy(() -> handshake(lab.tls().clientContext(), serverName))
            .isInstanceOf(SSLException.class)
            .hasMessageContaining("No subject alternative DNS name matching " + serverName);
    }

    @Test
    void aHandshakeTrustingOnlyTheJdksDefaultCasFails() {
        assertThatThrownBy(() -> handshake(SSLContext.getDefault(), "kv1.vault.azure.net"))
            .isInstanceOf(SSLException.class)
            .hasMessageContaining("PKIX");
    }

    @Test
    void aHandshakeTrustingAnotherLabsCaFails() {
        SSLContext otherLab = LabTls.clientContextTrusting(LabCertificateAuthority.create().certificate());

        assertThatThrownBy(() -> handshake(otherLab, "kv1.vault.azure.net")).isInstanceOf(SSLException.class)
            .hasMessageContaining("PKIX");
    }

    // --------------------------------------------------------------------------------------------- trust files

    @Test
    void theExportedPemIsTheLabCa() throws Exception {
        Path pem = lab.trustFiles().caPem();

        assertThat(pem).isRegularFile();
        assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----\n")
            .endsWith("-----END CERTIFICATE-----\n");
        X509Certificate loaded;
        try (InputStream in = Files.newInputStream(pem)) {
            loaded = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(loaded).isEqualTo(lab.tls().certificateAuthority().certificate());
    }

    @Test
    void theExportedPkcs12TrustStoreHoldsTheLabCaUnderChangeit() throws Exception {
        LabTls.TrustFiles files = lab.trustFiles();
        assertThat(files.trustStorePassword()).isEqualTo("changeit");

        KeyStore store = loadPkcs12(files.trustStore(), "changeit");

        List<String> aliases = Collections.list(store.aliases());
        assertThat(aliases).hasSize(1);
        assertThat(store.isCertificateEntry(aliases.get(0))).isTrue();
        assertThat(store.getCertificate(aliases.get(0))).isEqualTo(lab.tls().certificateAuthority().certificate());
        assertThatThrownBy(() -> loadPkcs12(files.trustStore(), "wrong")).isInstanceOf(IOException.class);
    }

    @Test
    void theExportedPkcs12TrustStoreIsEnoughForAJvmClientHandshake() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(loadPkcs12(lab.trustFiles().trustStore(), lab.trustFiles().trustStorePassword()));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);

        assertThat(handshake(context, "login.microsoftonline.com").getPeerCertificates()).isNotEmpty();
    }

    @Test
    void exportingTrustWritesBothFilesToTheDirectory(@TempDir Path dir) throws Exception {
        LabTls tls = LabTls.create(LabCertificateAuthority.create());

        LabTls.TrustFiles files = tls.exportTrust(dir.resolve("nested"));

        assertThat(files.caPem()).isEqualTo(dir.resolve("nested/lab-ca.pem")).isRegularFile();
        assertThat(files.trustStore()).isEqualTo(dir.resolve("nested/lab-truststore.p12")).isRegularFile();
        assertThat(LabCertificateAuthority.Pem.readCertificate(Files.readString(files.caPem())))
            .isEqualTo(tls.certificateAuthority().certificate());
        assertThat(Collections.list(loadPkcs12(files.trustStore(), files.trustStorePassword()).aliases()))
            .hasSize(1);
    }

    // ------------------------------------------------------------------------------------------- the CA on disk

    @Test
    void aCaKeptOnDiskIsTheSameCaWhenLoadedAgain(@TempDir Path dir) throws Exception {
        LabCertificateAuthority first = LabCertificateAuthority.loadOrCreate(dir);
        assertThat(dir.resolve("lab-ca.pem")).isRegularFile();
        assertThat(dir.resolve("lab-ca.key.pem")).isRegularFile();
        assertThat(Files.readString(dir.resolve("lab-ca.key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");

        LabCertificateAuthority second = LabCertificateAuthority.loadOrCreate(dir);

        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(second.certificatePem()).isEqualTo(first.certificatePem());
        // the loaded private key is the CA's: what it signs verifies with the first instance's public key
        X509Certificate issued = second.issueServerCertificate("again", List.of("localhost"), List.of())
            .certificate();
        issued.verify(first.certificate().getPublicKey());
    }

    @Test
    void aCaCreatedInMemoryIsNewEachTime() {
        assertThat(LabCertificateAuthority.create().certificate())
            .isNotEqualTo(LabCertificateAuthority.create().certificate());
    }

    @Test
    void aCaDirectoryMissingItsKeyGetsANewCa(@TempDir Path dir) throws Exception {
        LabCertificateAuthority first = LabCertificateAuthority.loadOrCreate(dir);
        Files.delete(dir.resolve("lab-ca.key.pem"));

        LabCertificateAuthority second = LabCertificateAuthority.loadOrCreate(dir);

        assertThat(second.certificate()).isNotEqualTo(first.certificate());
        assertThat(LabCertificateAuthority.Pem.readCertificate(Files.readString(dir.resolve("lab-ca.pem"))))
            .isEqualTo(second.certificate());
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static KeyStore loadPkcs12(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /**
     * A TLS handshake with the gateway at 127.0.0.1:gatewayPort, as a client that believes it talks to
     * {@code serverName}: SNI carries the name (unless it is an IP address) and HTTPS endpoint identification
     * checks it against the certificate.
     */
    private static SSLSession handshake(SSLContext context, String serverName) throws IOException {
        int port = lab.gatewayPort();
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            plain.setSoTimeout(5_000);
            try (SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, port, true)) {
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                if (!serverName.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
                    params.setServerNames(List.of(new SNIHostName(serverName)));
                }
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                return ssl.getSession();
            }
        } finally {
            plain.close();
        }
    }
}
