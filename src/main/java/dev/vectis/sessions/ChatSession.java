package dev.vectis.sessions;

/** A chat session as the gateway's workers last reported it. Times are epoch milliseconds. */
public record ChatSession(String id, String workerId, String status, String phoneNumber, String qrCode,
                          String qrString, long createdAt, long updatedAt) {
}
