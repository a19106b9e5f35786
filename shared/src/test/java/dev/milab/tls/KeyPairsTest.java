package dev.milab.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class KeyPairsTest {

    @Test
    void everyRsaKeyIsFreshAnd2048Bits() {
        Set<java.math.BigInteger> moduli = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            KeyPair key = KeyPairs.rsa2048();
            RSAPublicKey pub = (RSAPublicKey) key.getPublic();
            assertThat(pub.getModulus().bitLength()).isEqualTo(2048);
            assertThat(moduli.add(pub.getModulus())).as("key %d is new", i).isTrue();
        }
    }

    @Test
    void everyEcKeyIsFreshOnP256() {
        Set<java.security.spec.ECPoint> points = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            ECPublicKey pub = (ECPublicKey) KeyPairs.ecP256().getPublic();
            assertThat(pub.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
            assertThat(points.add(pub.getW())).isTrue();
        }
    }
}
