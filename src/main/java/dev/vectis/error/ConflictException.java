package dev.vectis.error;

public class ConflictException extends VectisException {

    public ConflictException(String code, String message) {
        super(Kind.CONFLICT, code, message);
    }
}
