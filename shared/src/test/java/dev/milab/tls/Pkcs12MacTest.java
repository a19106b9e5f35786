package dev.milab.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.KeyStore;

import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS12ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The PKCS12 MAC key derivation against Bouncy Castle's reference implementation of RFC 7292 appendix B, and the
 * trust store it protects as the JDK reads it.
 */
class Pkcs12MacTest {

    @ParameterizedTest(name = "password \"{0}\", {1}-byte salt, {2} iterations")
    @CsvSource({
        "changeit, 20, 1",
        "changeit, 20, 2048",
        "'', 8, 1",
        "Zoë-ünïcødé, 64, 3",
        "a password longer than one sixty-four byte block once it is a BMPString, 65, 1"})
    void theMacKeyIsRfc7292sDerivation(String password, int saltLength, int iterations) {
        byte[] salt = new byte[saltLength];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (31 * i + 7);
        }
        PKCS12ParametersGenerator reference = new PKCS12ParametersGenerator(new SHA256Digest());
        reference.init(PBEParametersGenerator.PKCS12PasswordToBytes(password.toCharArray()), salt, iterations);
        byte[] expected = ((KeyParameter) reference.generateDerivedMacParameters(256)).getKey();

        assertThat(Pkcs12Mac.deriveMacKey(password.toCharArray(), salt, iterations)).isEqualTo(expected);
    }

    @Test
    void theJdkOpensTheTrustStoreWithItsPasswordAndNotWithAnother() throws Exception {
        byte[] store = LabTls.create(LabCertificateAuthority.create()).trustStorePkcs12();

        KeyStore opened = KeyStore.getInstance("PKCS12");
        opened.load(new ByteArrayInputStream(store), LabTls.TRUST_STORE_PASSWORD.toCharArray());
        assertThat(opened.size()).isEqualTo(1);
        assertThatThrownBy(() -> KeyStore.getInstance("PKCS12").load(new ByteArrayInputStream(store),
            "changeIt".toCharArray())).isInstanceOf(IOException.class);
    }
}
