package io.flywheel.flink;

import io.flywheel.core.Event;
import io.flywheel.core.EventType;
import io.flywheel.featurestore.CategoryAffinity;
import io.flywheel.featurestore.UserActivity;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/** Keyed by user: the {@code user_activity} and {@code user_category_affinity} views. */
final class UserStage extends EventTimeStage<UserStage.UserState> {

  /** Both user views' state for one shopper. */
  static final class UserState {
    final UserActivity activity = new UserActivity();
    final CategoryAffinity affinity = new CategoryAffinity();
  }

  private final String productsFile;
  private transient Map<String, String> categories;

  UserStage(String productsFile) {
    super(UserState.class);
    this.productsFile = productsFile;
  }

  @Override
  public void open(Configuration parameters) throws Exception {
    super.open(parameters);
    categories = ProductCatalog.leafCategories(productsFile);
  }

  @Override
  String keyOf(Event event) {
    return event.userId();
  }

  @Override
  UserState newState() {
    return new UserState();
  }

  @Override
  void apply(UserState state, Event event) {
    state.activity.apply(event);
    String category = event.productId() == null ? null : categories.get(event.productId());
    if (category != null) {
      if (event.type() == EventType.CLICK) {
        state.affinity.click(category, event.timestamp());
      } else if (event.type() == EventType.PURCHASE) {
        state.affinity.purchase(category, event.timestamp());
      }
    }
  }

  @Override
  Map<String, Map<String, Object>> values(UserState state, long asOf) {
    Map<String, Map<String, Object>> views = new LinkedHashMap<>();
    views.put("user_activity", state.activity.valuesAsOf(asOf));
    views.put("user_category_affinity", state.affinity.valuesAsOf(asOf));
    return views;
  }
}
