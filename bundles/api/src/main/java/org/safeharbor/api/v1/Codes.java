package org.safeharbor.api.v1;

/** Lookup of an enum constant by its shared code; package-private, shared by the enums. */
final class Codes {

    private Codes() {
    }

    static <E extends Enum<E> & SharedCode> E lookup(Class<E> type, String code) {
        for (E constant : type.getEnumConstants()) {
            if (constant.code().equals(code)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("Unknown " + type.getSimpleName() + " code: " + code);
    }
}
