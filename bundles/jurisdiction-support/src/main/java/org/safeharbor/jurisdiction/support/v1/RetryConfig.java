package org.safeharbor.jurisdiction.support.v1;

/**
 * The retry policy's configuration keys, the same in every state: a DS component property type that a state's
 * {@code @Activate} constructor takes beside its own configuration (DS 1.4 reads one configuration into several such
 * types), read with {@link Redelivery#of}. Delays are ISO-8601 durations; the defaults are {@link Redelivery#DEFAULT}'s.
 *
 * <p>The metatype: a component designates one object class definition, its own; these keys are not in it, so Karaf's
 * web console form does not offer them. They are read from the state's cfg all the same ({@code maximumRedeliveries},
 * {@code redeliveryDelay}, {@code redeliveryMultiplier}, {@code maximumRedeliveryDelay}), and a bad value fails the
 * activation naming the PID and the key. Chosen over repeating the four attributes in every state's definition.
 */
public @interface RetryConfig {

    /** Retries of a passing failure before the referral goes to the jurisdiction's dead-letter queue. */
    int maximumRedeliveries() default 6;

    /** ISO-8601 wait before the first retry. */
    String redeliveryDelay() default "PT2S";

    /** Factor by which each further wait grows (at least 1.0). */
    double redeliveryMultiplier() default 2.0;

    /** ISO-8601 cap on any single wait between retries. */
    String maximumRedeliveryDelay() default "PT5M";
}
