package dev.milab.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A server certificate with its private key and the chain up to the lab CA. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {
}
