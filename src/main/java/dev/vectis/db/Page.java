package dev.vectis.db;

import java.util.List;

/** One page of a list: the items, how many there are in all, and where the next page starts (null at the end). */
public record Page<T>(List<T> items, long total, String nextCursor) {
}
