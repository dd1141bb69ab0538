package dev.fencedstate.openai;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.Keys;
import java.util.List;
import java.util.Objects;

/**
 * One kind of object (sessions, conversation heads) kept under a key prefix of a store: the id-to-key rule, the
 * listing of stored ids, and the check that a claim is for an object's own key. Shared so both kinds follow one rule.
 */
record KeyPrefix(FencedStore store, String prefix) {

    KeyPrefix {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(prefix, "keyPrefix");
    }

    /**
     * The key of the object with this id.
     *
     * @throws IllegalArgumentException if the id is empty
     * @throws dev.fencedstate.InvalidKeyException if prefix + id is not a valid key
     */
    String keyFor(String id, String idName) {
        Objects.requireNonNull(id, idName);
        if (id.isEmpty()) {
            throw new IllegalArgumentException("a " + idName + " must not be empty");
        }
        return Keys.requireValid(prefix + id);
    }

    /** The ids of every object with a stored key under the prefix, sorted. */
    List<String> ids() {
        return store.keys().stream().filter(key -> key.startsWith(prefix) && key.length() > prefix.length())
                .map(key -> key.substring(prefix.length())).sorted().toList();
    }

    /** {@code claim}, if it was granted on {@code key}; an object refuses claims on other keys. */
    static Claim requireClaimOn(String key, Claim claim, Object owner) {
        Objects.requireNonNull(claim, "claim");
        if (!claim.key().equals(key)) {
            throw new IllegalArgumentException("the claim is for key '" + Keys.printable(claim.key()) + "', not for "
                    + owner);
        }
        return claim;
    }
}
