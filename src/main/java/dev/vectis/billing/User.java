package dev.vectis.billing;

/** A marketplace user. Times are epoch milliseconds. */
public record User(String id, String email, String name, long coins, long createdAt) {
}
