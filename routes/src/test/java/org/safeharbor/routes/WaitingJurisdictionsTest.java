package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.safeharbor.api.v1.JurisdictionAdapter;

/** Which installed jurisdiction components readiness waits for, from Declarative Services' own view of them. */
class WaitingJurisdictionsTest {

    private static ComponentDescriptionDTO component(String name, String service) {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = name;
        d.serviceInterfaces = new String[] {service};
        return d;
    }

    private static ComponentConfigurationDTO in(int state) {
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = state;
        return c;
    }

    /** A ServiceComponentRuntime that knows these components and their configurations, all enabled. */
    private static ServiceComponentRuntime scr(Map<ComponentDescriptionDTO, List<ComponentConfigurationDTO>> components) {
        return (ServiceComponentRuntime) Proxy.newProxyInstance(WaitingJurisdictionsTest.class.getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getComponentDescriptionDTOs" -> (Collection<ComponentDescriptionDTO>) components.keySet();
                    case "getComponentConfigurationDTOs" -> components.get((ComponentDescriptionDTO) args[0]);
                    case "isComponentEnabled" -> true;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aJurisdictionComponentWithoutASatisfiedConfigurationIsWaitedFor() {
        String adapter = JurisdictionAdapter.class.getName();
        Map<ComponentDescriptionDTO, List<ComponentConfigurationDTO>> components = new java.util.LinkedHashMap<>();
        components.put(component("us.il.Registered", adapter), List.of(in(ComponentConfigurationDTO.ACTIVE)));
        components.put(component("us.fl.RegisteredNotYetUsed", adapter), List.of(in(ComponentConfigurationDTO.SATISFIED)));
        components.put(component("us.tx.MissingAReference", adapter), List.of(in(ComponentConfigurationDTO.UNSATISFIED_REFERENCE)));
        components.put(component("us.ma.ActivationFailed", adapter), List.of(in(ComponentConfigurationDTO.FAILED_ACTIVATION)));
        components.put(component("us.zz.NeverConfigured", adapter), List.of(in(ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION)));
        components.put(component("core.SomethingElse", "org.example.Other"), List.of(in(ComponentConfigurationDTO.UNSATISFIED_REFERENCE)));

        assertEquals(List.of("us.tx.MissingAReference", "us.ma.ActivationFailed"), HealthEndpoint.waitingJurisdictionComponents(scr(components)));
    }
}
