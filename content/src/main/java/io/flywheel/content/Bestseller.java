package io.flywheel.content;

/**
 * A sales fact Flywheel measured itself: the product was among the most bought in its category over
 * the last {@code days} days. The only social proof copy may state.
 *
 * @param rank 1 for the most bought in {@code category}
 * @param purchases units bought in the window
 */
public record Bestseller(String category, int rank, long purchases, int days) {
  public Bestseller {
    if (category == null || category.isBlank()) {
      throw new IllegalArgumentException("category: is required");
    }
    if (rank < 1 || purchases < 1 || days < 1) {
      throw new IllegalArgumentException("rank, purchases, days: must be >= 1");
    }
  }
}
