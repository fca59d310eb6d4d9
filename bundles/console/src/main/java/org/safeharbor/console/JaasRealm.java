package org.safeharbor.console;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * Logs a console user in against a JAAS realm: in Karaf its {@value #KARAF} realm, the one {@code bin/client}, SSH
 * and the shell use (users and groups in {@code etc/users.properties}). The user's roles are the names of the
 * role principals the realm's modules add (Karaf's {@code RolePrincipal}, a group's roles included); only the
 * console's own roles count ({@link Role}).
 */
final class JaasRealm {

    static final String KARAF = "karaf";

    /** Who logged in and the console roles they hold. */
    record Login(String user, Set<Role> roles) {
    }

    private final String realm;

    JaasRealm(String realm) {
        this.realm = realm;
    }

    /**
     * The login, or empty when the realm refuses the name and password. Karaf's login modules are loaded by the thread's
     * context class loader, so the login runs with this bundle's (which imports Karaf's {@code jaas.boot}).
     */
    Optional<Login> login(String user, char[] password) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JaasRealm.class.getClassLoader());
        try {
            Subject subject = new Subject();
            LoginContext context = new LoginContext(realm, subject, callbacks -> answer(callbacks, user, password));
            context.login();
            Set<Role> roles = new TreeSet<>();
            String name = user;
            for (Principal p : subject.getPrincipals()) {
                String type = p.getClass().getSimpleName();
                if (type.equals("RolePrincipal")) {
                    Role.of(p.getName()).ifPresent(roles::add);
                } else if (type.equals("UserPrincipal")) {
                    name = p.getName();
                }
            }
            return Optional.of(new Login(name, Set.copyOf(roles)));
        } catch (LoginException e) {
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
            java.util.Arrays.fill(password, '\0');
        }
    }

    private static void answer(Callback[] callbacks, String user, char[] password) throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                name.setName(user);
            } else if (callback instanceof PasswordCallback pass) {
                pass.setPassword(password.clone());
            } else {
                // e.g. Karaf's public-key module: not a console login
                throw new UnsupportedCallbackException(callback);
            }
        }
    }
}
