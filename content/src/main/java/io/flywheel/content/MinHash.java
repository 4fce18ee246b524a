package io.flywheel.content;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * MinHash signatures of a text's character 4-shingles (after lower-casing and dropping punctuation
 * and spaces, so Chinese and English are shingled alike): the share of equal positions in two
 * signatures estimates the Jaccard similarity of their shingle sets.
 */
final class MinHash {
  static final int SIZE = 128;
  private static final int SHINGLE = 4;
  private static final long[] SEEDS = new long[SIZE];

  static {
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < SIZE; i++) {
      x = mix(x + 0x9E3779B97F4A7C15L);
      SEEDS[i] = x;
    }
  }

  private MinHash() {}

  static long[] signature(String text) {
    long[] sig = new long[SIZE];
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    for (long shingle : shingles(text)) {
      for (int i = 0; i < SIZE; i++) {
        long h = mix(shingle ^ SEEDS[i]);
        if (h < sig[i]) {
          sig[i] = h;
        }
      }
    }
    return sig;
  }

  static double similarity(long[] a, long[] b) {
    int same = 0;
    for (int i = 0; i < SIZE; i++) {
      if (a[i] == b[i]) {
        same++;
      }
    }
    return same / (double) SIZE;
  }

  static Set<Long> shingles(String text) {
    String norm = text.toLowerCase(Locale.ROOT).replaceAll("[\\p{P}\\p{S}\\s]+", "");
    int[] cps = norm.codePoints().toArray();
    Set<Long> out = new HashSet<>();
    if (cps.length < SHINGLE) {
      out.add(hash(cps, 0, cps.length));
      return out;
    }
    for (int i = 0; i + SHINGLE <= cps.length; i++) {
      out.add(hash(cps, i, SHINGLE));
    }
    return out;
  }

  private static long hash(int[] cps, int from, int length) {
    long h = 0xcbf29ce484222325L; // FNV-1a, 64 bit
    for (int i = from; i < from + length; i++) {
      h ^= cps[i];
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** SplitMix64's finaliser: a cheap, well-mixed 64-bit permutation. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
