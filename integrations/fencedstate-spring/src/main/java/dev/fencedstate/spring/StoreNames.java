package dev.fencedstate.spring;

import java.util.regex.Pattern;

/**
 * The rule for store names: 1 to 64 lowercase letters, digits, {@code _} or {@code -}, starting with a letter or
 * digit. A name becomes a directory name, a metric tag, an Actuator path segment and a property map key
 * ({@code fencedstate.stores.<name>.*}), so it is kept to characters that mean the same in all four: no dots (they
 * would split the property key) and no upper case (relaxed binding would not match it reliably).
 */
public final class StoreNames {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private StoreNames() {
    }

    /** Whether {@code name} is a valid store name. */
    public static boolean isValid(String name) {
        return VALID.matcher(name).matches();
    }

    /**
     * Returns {@code name} if valid.
     *
     * @throws FencedStateConfigurationException saying what a valid name looks like
     */
    public static String requireValid(String name) {
        if (!isValid(name)) {
            throw new FencedStateConfigurationException("Invalid store name '" + dev.fencedstate.Keys.printable(name)
                    + "'.", "Use 1 to 64 characters: lowercase letters, digits, '_' or '-', starting with a letter "
                    + "or digit (for example 'plans' or 'agent-results').");
        }
        return name;
    }
}
