/**
 * The app: the code to copy. It reads its database settings; the password comes from Azure Key Vault through
 * {@code SecretClient}, authenticated by {@code DefaultAzureCredential}, so the same code runs unchanged on an Azure
 * VM (IMDS), on App Service, on an Azure Arc-enabled server and on any server whose environment holds a service
 * principal's credential or a federated token. Only the Azure SDK (azure-identity, azure-security-keyvault-secrets);
 * everything that differs between hosts is in the host's environment, and between the lab and Azure in
 * {@code app.properties}.
 */
package dev.milab.keyvaultonprem.app;
