package dev.milab.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The lab's own certificate authority. It signs the server certificates of every host name the lab answers for,
 * so clients trust the lab by trusting this one certificate, never by switching certificate checks off.
 *
 * <p>Keys are EC P-256: fast to make at start and accepted by the JDK, curl, Node and mssql-jdbc.
 */
public final class LabCertificateAuthority {

    private static final String CA_CERT_FILE = "lab-ca.pem";
    private static final String CA_KEY_FILE = "lab-ca.key.pem";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private LabCertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** Makes a new CA that lives only in memory. */
    public static LabCertificateAuthority create() {
        KeyPair keyPair = newKeyPair();
        X500Name subject = new X500Name("CN=Managed Identity Lab Root CA, O=Managed Identity Lab");
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), subject,
                keyPair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            return new LabCertificateAuthority(sign(builder, keyPair.getPrivate()), keyPair.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create the lab CA", e);
        }
    }

    /**
     * Loads the CA kept in {@code directory}, or makes one and keeps it there, so that trust files handed to curl
     * or another process stay valid across lab restarts.
     */
    public static LabCertificateAuthority loadOrCreate(Path directory) {
        Path certFile = directory.resolve(CA_CERT_FILE);
        Path keyFile = directory.resolve(CA_KEY_FILE);
        try {
            if (Files.isRegularFile(certFile) && Files.isRegularFile(keyFile)) {
                X509Certificate cert = Pem.readCertificate(Files.readString(certFile));
                if (cert.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(30)))) {
                    byte[] der = Pem.decode(Files.readString(keyFile), "PRIVATE KEY");
                    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
                    return new LabCertificateAuthority(cert, key);
                }
            }
            LabCertificateAuthority ca = create();
            Files.createDirectories(directory);
            Files.writeString(certFile, Pem.encode("CERTIFICATE", ca.certificate.getEncoded()));
            Path tmp = Files.createTempFile(directory, "ca", ".tmp");
            Files.writeString(tmp, Pem.encode("PRIVATE KEY", ca.privateKey.getEncoded()));
            Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return ca;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the lab CA in " + directory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The lab CA in " + directory + " is unreadable; delete it to make a new one", e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Issues a TLS server certificate for the given DNS names and IP addresses (wildcards such as
     * {@code *.vault.azure.net} allowed), signed by this CA.
     */
    public IssuedCertificate issueServerCertificate(String commonName, List<String> dnsNames, List<String> ipAddresses) {
        KeyPair keyPair = newKeyPair();
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(397))),
                new X500Name("CN=" + commonName), keyPair.getPublic());
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                utils.createAuthorityKeyIdentifier(certificate));
            return new IssuedCertificate(sign(builder, privateKey), keyPair.getPrivate(), certificate);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot issue a server certificate for " + commonName, e);
        }
    }

    /** The CA certificate in PEM, for curl ({@code --cacert}), Node ({@code NODE_EXTRA_CA_CERTS}) and Python. */
    public String certificatePem() {
        try {
            return Pem.encode("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
        throws GeneralSecurityException {
        try {
            var signerBuilder = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signerBuilder));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        return KeyPairs.ecP256();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    /** PEM reading and writing (RFC 7468). */
    public static final class Pem {
        private Pem() {
        }

        public static String encode(String label, byte[] der) {
            StringWriter out = new StringWriter();
            out.append("-----BEGIN ").append(label).append("-----\n");
            out.append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der));
            out.append("\n-----END ").append(label).append("-----\n");
            return out.toString();
        }

        public static byte[] decode(String pem, String label) {
            String begin = "-----BEGIN " + label + "-----";
            String end = "-----END " + label + "-----";
            int from = pem.indexOf(begin);
            int to = pem.indexOf(end);
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("No PEM block labelled " + label);
            }
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        }

        public static X509Certificate readCertificate(String pem) throws GeneralSecurityException {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(decode(pem, "CERTIFICATE")));
        }
    }
}
