package dev.milab.arm;

import dev.milab.http.LabHttpResponse;

/** One resource provider's REST subset ({@code Microsoft.Compute}, {@code Microsoft.Sql}, ...). */
interface ProviderApi {

    /** The namespace as Azure spells it. */
    String namespace();

    LabHttpResponse handle(ArmCall call, ResourcePath path);

    /** 400 {@code InvalidResourceType}, for a type the lab's provider does not serve. */
    static ArmException unknownType(ResourcePath path, String apiVersion) {
        return new ArmException(400, "InvalidResourceType", "The resource type '" + String.join("/",
            path.segments().subList(0, Math.min(1, path.segments().size()))) + "' could not be found in the namespace '"
            + path.namespace() + "' for api version '" + apiVersion + "'.");
    }
}
