// Composite's grid: as square as the count allows, filled row by row, inside the picture.
#include "hubs/GridLayout.hpp"

#include <gtest/gtest.h>

namespace kurento::hubs {
namespace {

TEST(GridLayoutTest, OneInputFillsThePicture) {
  const auto cells = gridLayout(1, 1280, 720);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].x, 0);
  EXPECT_EQ(cells[0].width, 1280);
  EXPECT_EQ(cells[0].height, 720);
}

TEST(GridLayoutTest, TwoSideBySideThreeAndFourInTwoRows) {
  const auto two = gridLayout(2, 1280, 720);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].x, 640);
  EXPECT_EQ(two[1].y, 0);
  EXPECT_EQ(two[1].height, 720);
  const auto three = gridLayout(3, 1280, 720);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[2].x, 0);
  EXPECT_EQ(three[2].y, 360);
  EXPECT_EQ(three[2].width, 640);
}

TEST(GridLayoutTest, CellsStayInsideThePicture) {
  for (int count = 1; count <= 25; ++count) {
    const auto cells = gridLayout(count, 1280, 720);
    ASSERT_EQ(cells.size(), static_cast<size_t>(count));
    for (const Cell& cell : cells) {
      EXPECT_LE(cell.x + cell.width, 1280) << count;
      EXPECT_LE(cell.y + cell.height, 720) << count;
    }
  }
  EXPECT_EQ(gridLayout(5, 1280, 720)[4].y, 360);  // 3 columns, 2 rows
  EXPECT_TRUE(gridLayout(0, 1280, 720).empty());
}

}  // namespace
}  // namespace kurento::hubs
