package dev.vectis.api.operator;

/** The success envelope of the operator endpoints under /api/v1 (session-worker-gateway.md's). */
record Ok<T>(boolean success, T data) {

    static <T> Ok<T> of(T data) {
        return new Ok<>(true, data);
    }
}
