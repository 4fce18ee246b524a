package io.flywheel.core.internal.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.flywheel.core.MessageAngle;
import org.junit.jupiter.api.Test;

class CopyReaderTest {

  @Test
  void readsAnglesPricesAndDiscountsInEnglish() {
    CopyReader.Reading r =
        CopyReader.read(
            "Save 20% today",
            "Now $12.99, down from $1,215.99. Free returns within 30 days. Only a few left!");
    assertThat(r.angles())
        .containsExactlyInAnyOrder(MessageAngle.SAVINGS, MessageAngle.URGENCY, MessageAngle.TRUST);
    assertThat(r.prices()).containsExactly(12.99, 1215.99);
    // Without thousands separators too: "$1234.56" is one price, not $123.
    assertThat(CopyReader.read("Laptop", "Yours for $1234.56 or ¥1234").prices())
        .containsExactly(1234.56, 1234.0);
    assertThat(r.discounts()).containsExactly(20);
    assertThat(r.chinese()).isFalse();
  }

  @Test
  void readsEachAngleFromItsOwnWords() {
    assertThat(CopyReader.read("Crafted to last", "Quality you can feel.").angles())
        .containsExactly(MessageAngle.QUALITY);
    assertThat(CopyReader.read("New arrival", "Just in: the Norwave lamp.").angles())
        .containsExactly(MessageAngle.NOVELTY);
    assertThat(CopyReader.read("Toys", "Among the most bought in Toys this week.").angles())
        .containsExactly(MessageAngle.SOCIAL_PROOF);
    assertThat(CopyReader.read("Only from Norwave", "Designed by Norwave.").angles())
        .containsExactly(MessageAngle.BRAND);
    assertThat(CopyReader.read("Norwave lamp", "A lamp for the living room.").angles()).isEmpty();
  }

  @Test
  void readsAnglesPricesAndDiscountsInChinese() {
    CopyReader.Reading r = CopyReader.read("立省20%", "现价¥12.99，原价15.99元。今天下单，7天无忧退货。");
    assertThat(r.chinese()).isTrue();
    assertThat(r.angles())
        .containsExactlyInAnyOrder(MessageAngle.SAVINGS, MessageAngle.URGENCY, MessageAngle.TRUST);
    assertThat(r.prices()).containsExactlyInAnyOrder(12.99, 15.99);
    assertThat(r.discounts()).containsExactly(20);
    assertThat(CopyReader.read("8折", "Norwave耳机").discounts()).containsExactly(20);
    assertThat(CopyReader.read("八五折", "Norwave耳机").discounts()).containsExactly(15);
    assertThat(CopyReader.read("8.5折", "Norwave耳机").discounts()).containsExactly(15);
    assertThat(CopyReader.read("Norwave热销单品", "品质之选").angles())
        .containsExactlyInAnyOrder(MessageAngle.SOCIAL_PROOF, MessageAngle.QUALITY);
  }

  @Test
  void chineseIsTheLanguageOfTheWordsNotOfTheNames() {
    assertThat(CopyReader.isChinese("Norwave Signature 耳机，品质之选")).isTrue();
    assertThat(CopyReader.isChinese("Norwave Classic Kettle K42 | 厨房用品")).isTrue();
    assertThat(CopyReader.isChinese("Norwave Signature headphones, 耳")).isFalse();
    assertThat(CopyReader.isChinese("Meet the Norwave kettle: 好 for your kitchen")).isFalse();
    // A Han character takes two columns of a slot.
    assertThat(CopyReader.width("耳机 A1")).isEqualTo(7);
  }

  @Test
  void coloursAreWordsNotPartsOfBrandNames() {
    assertThat(CopyReader.read("Sandwave Redline lamp", "By Redstone.").colours()).isEmpty();
    assertThat(CopyReader.read("Lamp", "In sage green.").colours()).containsExactly("sage");
    assertThat(CopyReader.read("台灯", "藏青色款").colours()).containsExactly("navy");
  }
}
