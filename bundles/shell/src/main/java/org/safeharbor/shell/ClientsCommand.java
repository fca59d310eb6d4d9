package org.safeharbor.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.auth.RegisteredClients;

/**
 * {@code harbor:clients}: the SMART Backend Services clients registered in
 * {@code etc/safeharbor/clients/}, with their scopes and endpoints and where their keys come from
 * (never the keys), and any registration file that could not be used.
 */
@Service
@Command(scope = "harbor", name = "clients", description = "List the registered SMART Backend Services clients (hospitals, auditors)")
public class ClientsCommand implements Action {

    @Reference
    RegisteredClients clients;

    @Override
    public Object execute() {
        List<RegisteredClients.Summary> all = clients.list();
        if (all.isEmpty()) {
            System.out.println("No client registered: add one JSON file per hospital to etc/safeharbor/clients/ (see its README.md)");
        }
        for (RegisteredClients.Summary c : all) {
            System.out.printf("%s  (%s, %s)%n", c.clientId(), c.kind(), c.name());
            System.out.printf("    scopes:           %s%n", String.join(" ", c.scopes()));
            System.out.printf("    source endpoints: %s%n", c.sourceEndpoints().isEmpty() ? "(none)" : String.join(" ", c.sourceEndpoints()));
            System.out.printf("    keys:             %s%s%n", c.keys(), c.certificateBound() ? "; bound to a TLS client certificate" : "");
            System.out.printf("    file:             etc/safeharbor/clients/%s%n", c.file());
        }
        for (String problem : clients.problems()) {
            System.out.println("NOT USED: " + problem);
        }
        return null;
    }
}
