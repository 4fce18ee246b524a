package io.flywheel.core.internal.simulator;

import java.util.List;

/** The shop's fixed category tree: eight departments of four leaf categories each. */
final class Taxonomy {

  record Leaf(int index, String department, String name, String noun, double medianPrice) {}

  private static final String[][] DEPARTMENTS = {
    {"Electronics", "300", "Phones:phone", "Laptops:laptop", "Audio:headphones", "Cameras:camera"},
    {"Home", "80", "Kitchen:blender", "Furniture:armchair", "Bedding:duvet", "Decor:lamp"},
    {"Fashion", "60", "Shoes:sneakers", "Dresses:dress", "Outerwear:jacket", "Accessories:handbag"},
    {"Beauty", "30", "Skincare:serum", "Makeup:lipstick", "Fragrance:perfume", "Haircare:shampoo"},
    {
      "Sports",
      "70",
      "Running:running shoes",
      "Fitness:yoga mat",
      "Cycling:bike helmet",
      "Outdoor:tent"
    },
    {"Toys", "35", "Building:building set", "Dolls:doll", "Puzzles:puzzle", "Games:board game"},
    {
      "Books",
      "18",
      "Fiction:novel",
      "Cookbooks:cookbook",
      "Children:picture book",
      "Business:business book"
    },
    {"Grocery", "15", "Coffee:coffee beans", "Snacks:snack box", "Tea:tea", "Wine:wine"},
  };

  // A leaf's median price is its department's times this factor, so leaves differ.
  private static final double[] LEAF_PRICE_FACTOR = {1.0, 1.6, 0.5, 1.2};

  static final List<String> DEPARTMENT_NAMES;
  static final List<Leaf> LEAVES;

  static {
    List<String> departments = new java.util.ArrayList<>();
    List<Leaf> leaves = new java.util.ArrayList<>();
    for (String[] row : DEPARTMENTS) {
      departments.add(row[0]);
      double median = Double.parseDouble(row[1]);
      for (int i = 2; i < row.length; i++) {
        String[] parts = row[i].split(":");
        leaves.add(
            new Leaf(leaves.size(), row[0], parts[0], parts[1], median * LEAF_PRICE_FACTOR[i - 2]));
      }
    }
    DEPARTMENT_NAMES = List.copyOf(departments);
    LEAVES = List.copyOf(leaves);
  }

  static int departmentOf(Leaf leaf) {
    return DEPARTMENT_NAMES.indexOf(leaf.department());
  }

  private Taxonomy() {}
}
