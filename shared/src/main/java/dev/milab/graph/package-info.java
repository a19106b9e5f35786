/**
 * Microsoft Graph in the lab: a small, faithful subset of {@code https://graph.microsoft.com/v1.0} over the lab's
 * directory, for the clients that look principals up before they act (the Azure CLI's {@code az ad sp show},
 * {@code az role assignment create --assignee}). Service principals (applications' and managed identities'),
 * application registrations and {@code directoryObjects/getByIds}, read with the {@code $filter} forms those clients
 * send; {@code /me} refused as Graph refuses it for an app-only token. Writes register applications as
 * {@code az ad app create}, {@code az ad sp create}, {@code az ad sp create-for-rbac} and
 * {@code az ad app credential reset} do ({@link dev.milab.graph.GraphWrites}). Tokens are validated like everywhere in
 * the lab (audience {@code https://graph.microsoft.com}), and authorized by the application permissions in their
 * {@code roles} claim, with Graph's error shape {@code {"error":{"code","message","innerError"}}}.
 */
package dev.milab.graph;
