package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the child is alleged to be a victim of: sex trafficking, its forms under commercial sexual
 * exploitation of children (IOM/NRC 2013, Box 1), or labor trafficking.
 */
@ProviderType
public enum AllegationType implements SharedCode {
    /** Trafficking a minor for sexual exploitation (recruiting, enticing, harboring, transporting, ...). */
    SEX_TRAFFICKING("sex-trafficking", null),
    /** Prostitution of a minor. */
    PROSTITUTION("prostitution", SEX_TRAFFICKING),
    /** Sex in exchange for shelter, food, drugs or money. */
    SURVIVAL_SEX("survival-sex", SEX_TRAFFICKING),
    /** Production of sexual images of a minor. */
    PORNOGRAPHY("pornography", SEX_TRAFFICKING),
    /** Sex tourism, mail-order bride trade, early marriage. */
    SEX_TOURISM_MARRIAGE("sex-tourism-marriage", SEX_TRAFFICKING),
    /** Performance in sexual venues. */
    SEXUAL_VENUE("sexual-venue", SEX_TRAFFICKING),
    /** Forced labor of a minor. */
    LABOR_TRAFFICKING("labor-trafficking", null);

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

    /** Looks a type up by its shared code; throws {@link IllegalArgumentException} for an unknown code. */
    public static AllegationType fromCode(String code) {
        return Codes.lookup(AllegationType.class, code);
    }
}
