package dev.vectis.error;

public class ForbiddenException extends VectisException {

    public ForbiddenException(String code, String message) {
        super(Kind.FORBIDDEN, code, message);
    }
}
