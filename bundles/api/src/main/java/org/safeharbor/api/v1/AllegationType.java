package org.safeharbor.api.v1;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the child is alleged to be a victim of: sex trafficking, its forms under commercial sexual
 * exploitation of children (IOM/NRC 2013, Box 1), or labor trafficking. Every code and display names what
 * is done to the child, never the child as the actor (docs/domain.md, "Forms of CSEC").
 */
@ProviderType
public enum AllegationType implements SharedCode {
    /** Trafficking a minor for sexual exploitation (recruiting, enticing, harboring, transporting, ...). */
    SEX_TRAFFICKING("sex-trafficking", null),
    /** Commercial sexual exploitation of a minor through prostitution (Box 1: "exploiting a minor through prostitution"). */
    EXPLOITATION_THROUGH_PROSTITUTION("exploitation-through-prostitution", SEX_TRAFFICKING),
    /** Exploitation through sex or sexual acts exchanged for shelter, food, drugs or money. */
    SURVIVAL_SEX("survival-sex", SEX_TRAFFICKING),
    /** Production of sexual images of a minor. */
    PORNOGRAPHY("pornography", SEX_TRAFFICKING),
    /** Sex tourism, mail-order bride trade, early marriage. */
    SEX_TOURISM_MARRIAGE("sex-tourism-marriage", SEX_TRAFFICKING),
    /** Performance in sexual venues. */
    SEXUAL_VENUE("sexual-venue", SEX_TRAFFICKING),
    /** Forced labor of a minor. */
    LABOR_TRAFFICKING("labor-trafficking", null);

    /**
     * Former codes, still read so that referrals stored before a rename load, never written. The former code
     * of EXPLOITATION_THROUGH_PROSTITUTION named the child as the actor (issue 12).
     */
    private static final Map<String, AllegationType> FORMER_CODES = Map.of("prostitution", EXPLOITATION_THROUGH_PROSTITUTION);

    private final String code;
    private final AllegationType parent;

    AllegationType(String code, AllegationType parent) {
        this.code = code;
        this.parent = parent;
    }

    @Override
    public String code() {
        return code;
    }

    /** True for sex trafficking and every CSEC form of it. */
    public boolean isSexual() {
        return this == SEX_TRAFFICKING || parent == SEX_TRAFFICKING;
    }

    /**
     * Looks a type up by its shared code, or by a former code (see docs/domain.md, "The shared allegation code");
     * throws {@link IllegalArgumentException} for an unknown code.
     */
    public static AllegationType fromCode(String code) {
        AllegationType renamed = code == null ? null : FORMER_CODES.get(code);
        return renamed != null ? renamed : Codes.lookup(AllegationType.class, code);
    }
}
