package dev.twophase.coordinator.fault;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.transaction.xa.XAException;

/**
 * The {@link XAException} error codes a {@code FAIL} fault may throw, by their constant names.
 *
 * <p>The aliases {@code XA_RBBASE} and {@code XA_RBEND} are left out (they equal
 * {@code XA_RBROLLBACK} and {@code XA_RBTRANSIENT}), and so is {@code XA_RDONLY}, which is a
 * prepare vote, not an error.
 */
final class XaErrorCodes {

    private static final Map<String, Integer> BY_NAME;
    private static final Map<Integer, String> BY_CODE;

    static {
        Map<String, Integer> codes = new LinkedHashMap<>();
        codes.put("XA_RBROLLBACK", XAException.XA_RBROLLBACK);
        codes.put("XA_RBCOMMFAIL", XAException.XA_RBCOMMFAIL);
        codes.put("XA_RBDEADLOCK", XAException.XA_RBDEADLOCK);
        codes.put("XA_RBINTEGRITY", XAException.XA_RBINTEGRITY);
        codes.put("XA_RBOTHER", XAException.XA_RBOTHER);
        codes.put("XA_RBPROTO", XAException.XA_RBPROTO);
        codes.put("XA_RBTIMEOUT", XAException.XA_RBTIMEOUT);
        codes.put("XA_RBTRANSIENT", XAException.XA_RBTRANSIENT);
        codes.put("XA_NOMIGRATE", XAException.XA_NOMIGRATE);
        codes.put("XA_HEURHAZ", XAException.XA_HEURHAZ);
        codes.put("XA_HEURCOM", XAException.XA_HEURCOM);
        codes.put("XA_HEURRB", XAException.XA_HEURRB);
        codes.put("XA_HEURMIX", XAException.XA_HEURMIX);
        codes.put("XA_RETRY", XAException.XA_RETRY);
        codes.put("XAER_ASYNC", XAException.XAER_ASYNC);
        codes.put("XAER_RMERR", XAException.XAER_RMERR);
        codes.put("XAER_NOTA", XAException.XAER_NOTA);
        codes.put("XAER_INVAL", XAException.XAER_INVAL);
        codes.put("XAER_PROTO", XAException.XAER_PROTO);
        codes.put("XAER_RMFAIL", XAException.XAER_RMFAIL);
        codes.put("XAER_DUPID", XAException.XAER_DUPID);
        codes.put("XAER_OUTSIDE", XAException.XAER_OUTSIDE);
        Map<Integer, String> names = new LinkedHashMap<>();
        codes.forEach((name, code) -> names.put(code, name));
        BY_NAME = Collections.unmodifiableMap(codes);
        BY_CODE = Collections.unmodifiableMap(names);
    }

    private XaErrorCodes() {
    }

    /**
     * @param name a constant name such as {@code XAER_RMFAIL}, in any case
     * @throws IllegalArgumentException naming the accepted names
     */
    static int code(String name) {
        Integer code = name == null ? null : BY_NAME.get(name.trim().toUpperCase(Locale.ROOT));
        if (code == null) {
            throw new IllegalArgumentException("unknown XAException error code '" + name + "'; expected one of "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return code;
    }

    /**
     * @throws IllegalArgumentException when the code is not one of the accepted ones
     */
    static String name(int code) {
        String name = BY_CODE.get(code);
        if (name == null) {
            throw new IllegalArgumentException("XAException error code " + code + " is not one a fault can throw; expected one of "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return name;
    }
}
