package dev.vectis.providers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER to read a public key: one element's tag and contents, definite lengths
 * only. Anything else is malformed input, reported as {@link IllegalArgumentException}.
 */
record Der(int tag, byte[] content) {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    /** The single element that makes up all of {@code data}; trailing bytes are refused. */
    static Der parse(byte[] data) {
        List<Der> all = parseAll(data);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one DER element");
        }
        return all.get(0);
    }

    /** The elements inside this one, which must be a SEQUENCE. */
    List<Der> children() {
        expect(SEQUENCE);
        return parseAll(content);
    }

    Der expect(int expectedTag) {
        if (tag != expectedTag) {
            throw new IllegalArgumentException("unexpected DER tag " + tag);
        }
        return this;
    }

    private static List<Der> parseAll(byte[] data) {
        List<Der> out = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            if (data.length - pos < 2) {
                throw new IllegalArgumentException("truncated DER");
            }
            int tag = data[pos++] & 0xff;
            int first = data[pos++] & 0xff;
            long length;
            if (first < 0x80) {
                length = first;
            } else {
                int octets = first & 0x7f;
                // 0x80 is BER's indefinite length; more than 4 octets is no key we accept
                if (octets == 0 || octets > 4 || data.length - pos < octets) {
                    throw new IllegalArgumentException("bad DER length");
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (data[pos++] & 0xff);
                }
            }
            if (length > data.length - pos) {
                throw new IllegalArgumentException("DER length past the end");
            }
            out.add(new Der(tag, Arrays.copyOfRange(data, pos, pos + (int) length)));
            pos += (int) length;
        }
        return out;
    }
}
