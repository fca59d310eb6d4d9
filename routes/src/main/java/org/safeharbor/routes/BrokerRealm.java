package org.safeharbor.routes;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.karaf.jaas.config.JaasRealm;
import org.apache.karaf.jaas.config.impl.Config;
import org.apache.karaf.jaas.config.impl.Module;
import org.apache.karaf.jaas.modules.properties.PropertiesLoginModule;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The embedded broker's JAAS realm, {@value #NAME} ({@code domain} in etc/org.apache.activemq.artemis.cfg): Karaf's
 * PropertiesLoginModule over {@code etc/safeharbor-broker.users} ({@link BrokerUsers}), read at each login. Kept apart
 * from Karaf's own realm, so the adapter's broker user is no Karaf user and a Karaf user is no broker user. With
 * security on (etc/artemis.xml), a connection without a user of this realm is refused.
 */
@Component(immediate = true)
public class BrokerRealm {

    static final String NAME = "safeharbor-broker";

    private ServiceRegistration<JaasRealm> registration;

    @Activate
    void activate(BundleContext context) {
        Path users = BrokerUsers.file();
        if (users == null) {
            return;
        }
        registration = context.registerService(JaasRealm.class, realm(context, users), null);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }

    static Config realm(BundleContext context, Path users) {
        Module module = new Module();
        module.setName(NAME);
        // loaded through this bundle (Config names it to Karaf's ProxyLoginModule), which imports its package
        module.setClassName(PropertiesLoginModule.class.getName());
        module.setFlags("required");
        Properties options = new Properties();
        options.setProperty("users", users.toString());
        module.setOptions(options);
        Config realm = new Config();
        realm.setName(NAME);
        realm.setBundleContext(context);
        realm.setModules(new Module[] {module});
        return realm;
    }
}
