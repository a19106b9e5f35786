package dev.milab.entra;

import java.time.Instant;

/** An access token the lab issued to a user at a client (a delegated token), with its times. */
public record IssuedUserToken(String accessToken, String resource, Instant notBefore, Instant expiresOn, User user,
                              String clientId) {
}
