package dev.vectis.error;

/** No credential, or one that does not check out. The message says which header is expected. */
public class AuthenticationException extends VectisException {

    public AuthenticationException(String message) {
        super(Kind.UNAUTHORIZED, "UNAUTHORIZED", message);
    }
}
