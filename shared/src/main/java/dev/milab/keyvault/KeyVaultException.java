package dev.milab.keyvault;

/**
 * A Key Vault error with its HTTP status and Azure's error code (and inner code where Azure sends one).
 */
public final class KeyVaultException extends RuntimeException {

    private final int status;
    private final String code;
    private final String innerCode;

    public KeyVaultException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public KeyVaultException(int status, String code, String message, String innerCode) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.innerCode = innerCode;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String innerCode() {
        return innerCode;
    }

    static KeyVaultException secretNotFound(String name) {
        return new KeyVaultException(404, "SecretNotFound", "A secret with (name/id) " + name + " was not found in "
            + "this key vault. If you recently deleted this secret you may be able to recover it using the correct "
            + "recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182");
    }

    static KeyVaultException deletedSecretNotFound(String name) {
        return new KeyVaultException(404, "SecretNotFound", "Deleted Secret not found");
    }
}
