package dev.vectis.error;

public class NotFoundException extends VectisException {

    public NotFoundException(String code, String message) {
        super(Kind.NOT_FOUND, code, message);
    }
}
