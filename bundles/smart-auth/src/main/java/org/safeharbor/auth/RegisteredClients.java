package org.safeharbor.auth;

import java.util.List;

/** The clients an operator registered under {@code etc/safeharbor/clients/}, for listing (no keys). */
public interface RegisteredClients {

    /**
     * One registered client as an operator sees it.
     *
     * @param keys where its keys come from, e.g. {@code jwks (1 key)} or {@code jwks_uri https://...}
     * @param file the registration file
     */
    record Summary(String clientId, String name, String kind, List<String> scopes, List<String> sourceEndpoints,
                   String keys, boolean certificateBound, String file) {
    }

    List<Summary> list();

    /** Registration files that could not be read, with why (file name: reason). */
    List<String> problems();
}
