package dev.vectis.error;

public class UnavailableException extends VectisException {

    public UnavailableException(String code, String message) {
        super(Kind.UNAVAILABLE, code, message);
    }
}
