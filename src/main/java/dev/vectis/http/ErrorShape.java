package dev.vectis.http;

/** How one contract writes its errors. Each contract's spec fixes its own shape. */
@FunctionalInterface
public interface ErrorShape {

    /** The JSON body (a Map or record) for this error. */
    Object body(ApiError error);
}
