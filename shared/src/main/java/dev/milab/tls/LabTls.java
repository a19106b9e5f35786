package dev.milab.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;

/**
 * TLS for the lab: one server certificate, signed by the lab CA, naming every Azure host the lab answers for
 * plus {@code localhost} and {@code 127.0.0.1}; and the trust material clients need, as PEM and PKCS12.
 */
public final class LabTls {

    /** The host names the lab's server certificate covers (Azure's public names, and loopback). */
    public static final List<String> SERVER_DNS_NAMES = List.of("login.microsoftonline.com", "management.azure.com",
        "*.vault.azure.net", "*.database.windows.net", "graph.microsoft.com", "localhost");
    public static final List<String> SERVER_IP_ADDRESSES = List.of("127.0.0.1");

    /**
     * Password of the exported PKCS12 trust store. A trust store holds only public certificates; Java's
     * keytool convention is used so that {@code -Djavax.net.ssl.trustStorePassword=changeit} works as usual.
     */
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private final LabCertificateAuthority ca;
    private final IssuedCertificate serverCertificate;
    private final SSLContext serverContext;
    private final SSLContext clientContext;

    private LabTls(LabCertificateAuthority ca) {
        this.ca = ca;
        this.serverCertificate = ca.issueServerCertificate("Managed Identity Lab", SERVER_DNS_NAMES,
            SERVER_IP_ADDRESSES);
        this.serverContext = buildServerContext(serverCertificate);
        this.clientContext = clientContextTrusting(ca.certificate());
    }

    public static LabTls create(LabCertificateAuthority ca) {
        return new LabTls(ca);
    }

    public LabCertificateAuthority certificateAuthority() {
        return ca;
    }

    public IssuedCertificate serverCertificate() {
        return serverCertificate;
    }

    /** SSL context for the lab's servers. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /** SSL context that trusts the lab CA and nothing else. */
    public SSLContext clientContext() {
        return clientContext;
    }

    /**
     * A PKCS12 trust store holding the lab CA, for {@code javax.net.ssl.trustStore} or mssql-jdbc's trustStore.
     *
     * <p>Its integrity MAC uses one PBKDF iteration instead of the JDK's 10,000: a trust store holds only a public
     * certificate, and mssql-jdbc loads the store on every connection, where 10,000 iterations cost about 10 ms of
     * CPU per login. The certificate carries Java's trusted-certificate attribute, so keytool and the JDK see a
     * trusted entry, and a wrong password still fails the integrity check.
     */
    public byte[] trustStorePkcs12() {
        try {
            PKCS12SafeBagBuilder bag = new JcaPKCS12SafeBagBuilder(ca.certificate());
            bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName,
                new DERBMPString("managed-identity-lab-ca"));
            bag.addBagAttribute(ORACLE_TRUSTED_KEY_USAGE, KeyPurposeId.anyExtendedKeyUsage.toOID());
            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            pfx.addData(bag.build());
            return pfx.build(new Pkcs12Mac(1), TRUST_STORE_PASSWORD.toCharArray()).getEncoded(ASN1Encoding.DER);
        } catch (IOException | PKCSException e) {
            throw new IllegalStateException("Cannot build the PKCS12 trust store", e);
        }
    }

    /** The attribute by which the JDK marks a PKCS12 certificate entry as trusted (any extended key usage). */
    private static final ASN1ObjectIdentifier ORACLE_TRUSTED_KEY_USAGE =
        new ASN1ObjectIdentifier("2.16.840.1.113894.746875.1.1");

    /** Writes {@code lab-ca.pem} and {@code lab-truststore.p12} to {@code directory}. */
    public TrustFiles exportTrust(Path directory) {
        try {
            Files.createDirectories(directory);
            Path pem = directory.resolve("lab-ca.pem");
            Path p12 = directory.resolve("lab-truststore.p12");
            Files.writeString(pem, ca.certificatePem());
            Files.write(p12, trustStorePkcs12());
            return new TrustFiles(pem, p12, TRUST_STORE_PASSWORD);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write trust files to " + directory, e);
        }
    }

    /** Where the exported trust material is. */
    public record TrustFiles(Path caPem, Path trustStore, String trustStorePassword) {
    }

    /** An SSL context trusting exactly the given certificate authority. */
    public static SSLContext clientContextTrusting(X509Certificate caCertificate) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("lab-ca", caCertificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build a client SSL context", e);
        }
    }

    private static SSLContext buildServerContext(IssuedCertificate cert) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SingleCertificateKeyManager(cert)}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build the server SSL context", e);
        }
    }

    /**
     * The server's one certificate and key, handed to TLS directly. A {@code KeyManagerFactory} over a PKCS12 key
     * store would first encrypt and then decrypt the key with 10,000 PBE iterations: a fifth of a lab's start.
     */
    private static final class SingleCertificateKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "server";
        private final IssuedCertificate cert;

        SingleCertificateKeyManager(IssuedCertificate cert) {
            this.cert = cert;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return matches(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return matches(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return matches(keyType) ? ALIAS : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? new X509Certificate[] {cert.certificate(), cert.issuer()} : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? cert.privateKey() : null;
        }

        private boolean matches(String keyType) {
            // TLS 1.3 and 1.2 ask for "EC" (or "EC_EC"); the certificate's key is EC P-256.
            return keyType != null && keyType.startsWith(cert.privateKey().getAlgorithm());
        }
    }
}
