package dev.milab.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.milab.entra.IssuedToken;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/** A token taken apart for the demos to show: header and claims, and what the claims mean. */
class JwtViewTest {

    private static IssuedToken aManagedIdentityTokenForAzureSql() {
        Lab lab = SharedLab.get();
        ServicePrincipal identity = lab.createUserAssignedIdentity("jwtview-id").principal();
        return lab.tokens().issueManagedIdentityToken(identity, ResourceApplications.AZURE_SQL);
    }

    @Test
    void decodesTheHeaderAndClaimsOfATokenTheLabIssued() {
        IssuedToken issued = aManagedIdentityTokenForAzureSql();

        JwtView token = JwtView.decode(issued.accessToken());

        assertThat(token.header()).containsEntry("alg", "RS256").containsEntry("kid", issued.kid());
        assertThat(token.claim("aud")).isEqualTo(ResourceApplications.AZURE_SQL);
        assertThat(token.claim("oid")).isEqualTo(issued.principal().objectId());
        assertThat(token.claim("appid")).isEqualTo(issued.principal().appId());
        assertThat(token.claim("xms_mirid")).endsWith("/userAssignedIdentities/jwtview-id");
        assertThat(token.time("exp")).isEqualTo(issued.expiresOn());
        assertThat(token.time("nbf")).isEqualTo(issued.notBefore());
        assertThat(token.claim("no-such-claim")).isNull();
        assertThat(token.time("aud")).isNull();
    }

    @Test
    void showsClaimsWithTheirMeaningAndTimesAsInstants() {
        IssuedToken issued = aManagedIdentityTokenForAzureSql();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Narrator say = new Narrator(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, false, null);

        JwtView.decode(issued.accessToken()).showClaims(say, "aud", "exp");

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
            "    aud         " + ResourceApplications.AZURE_SQL,
            "                  " + JwtView.meaning("aud"),
            "    exp         " + issued.expiresOn().getEpochSecond() + "  (" + issued.expiresOn() + ")",
            "                  " + JwtView.meaning("exp"));
    }

    @Test
    void explainsTheClaimsTheDemosShowAndNoOthers() {
        assertThat(JwtView.meaning("oid")).contains("object id");
        assertThat(JwtView.meaning("xms_mirid")).contains("managed identity");
        assertThat(JwtView.meaning("acct")).isNull();
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
        "not-a-token                     | A JWT has three dot-separated parts; this has 1",
        "header.payload                  | A JWT has three dot-separated parts; this has 2",
        "a.b.c.d.e                       | A JWT has three dot-separated parts; this has 5",
        "!!!.e30.sig                     | Not a JWT: ",
        "e30.bm90IGpzb24.sig             | Not a JWT: ",
        "WzFd.e30.sig                    | Not a JWT: "})
    void refusesWhatIsNotAJwt(String text, String message) {
        assertThatThrownBy(() -> JwtView.decode(text)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(message);
    }
}
