package dev.milab.entra;

import java.util.Map;

/**
 * One way a confidential client proves who it is at the token endpoint (RFC 6749 section 2.3). The lab has the
 * client secret now; certificate assertions and federated assertions plug in here as further implementations.
 */
public interface ClientAuthentication {

    /** Whether the request carries this method's parameters ({@code client_secret}, {@code client_assertion}, ...). */
    boolean appliesTo(Map<String, String> form);

    /**
     * Checks the credential of {@code application} in the request.
     *
     * @throws TokenRequestException with Entra ID's AADSTS error when the credential is wrong or expired
     */
    AuthenticatedClient authenticate(Application application, Map<String, String> form) throws TokenRequestException;
}
